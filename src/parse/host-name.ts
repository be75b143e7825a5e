/**
 * A dotted host name as the frames around a reply write it (`mx1.contoso.com`, `contoso-com.mail.protection.outlook.com`):
 * labels of letters, digits and hyphens, at least two. A regex source for the patterns that compose it; no nested
 * quantifier, so it cannot backtrack over user text.
 */
export const DOTTED_HOST = String.raw`[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9][A-Za-z0-9-]{0,62}){1,10}`;
