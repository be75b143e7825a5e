/** Who pressed the button or sent the command, from the Teams activity. */
export interface Actor {
  /** Teams user id (29:...). */
  id: string;
  name: string;
  /** Microsoft Entra (Azure AD) object id; what ADMIN_USERS and READER_USERS list. */
  aadObjectId: string;
}
