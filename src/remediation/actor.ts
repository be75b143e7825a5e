/** Who pressed the button, from the Teams activity. */
export interface Actor {
  /** Teams user id (29:...). */
  id: string;
  name: string;
  /** Azure AD (Entra ID) object id; what REMEDIATION_ALLOWED_USERS lists. */
  aadObjectId: string;
}

/** REMEDIATION_ALLOWED_USERS: '*' or a list of AAD object ids. A user without an object id is never allowed by a list. */
export function isAllowed(allowed: '*' | readonly string[], actor: Actor): boolean {
  if (allowed === '*') return true;
  const id = actor.aadObjectId.trim().toLowerCase();
  return id !== '' && allowed.includes(id);
}
