/**
 * A value someone put where a server name goes without naming one: documentation and forum posts
 * write `[LastAttemptedServerName=<YourConnectionPoint.domain>]`, `{Issuing Server}`, `[IP]`, or mask the
 * name as `x.xx.xx.xx` / `#.prod.outlook.com #`. A card that states such a value as the destination
 * tells the admin nothing true, so it is not a server (issue 17: "a placeholder is not a server").
 * An anonymised IP stays an IP (`203.0.113.x`): it still says which address the poster meant.
 */
const OPENERS = '<{[(';
const CLOSERS = '>}])';

export function isPlaceholderHost(value: string): boolean {
  const first = value.charAt(0);
  const last = value.charAt(value.length - 1);
  if (OPENERS.includes(first) || CLOSERS.includes(last)) return true;
  // A name has no blanks: `{Issuing Server}` split, `#.prod.outlook.com #`.
  if (value.includes(' ') || value.includes('\t')) return true;
  // Masked all the way: only x's, dots and stars (`x.xx.xx.xx`, `*.*.*.*`).
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== 'x' && c !== 'X' && c !== '.' && c !== '*') return false;
  }
  return true;
}
