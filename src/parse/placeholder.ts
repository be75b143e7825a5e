/**
 * A value someone put where a server name goes without naming one: documentation and forum posts
 * write `[LastAttemptedServerName=<YourConnectionPoint.domain>]`, `{Issuing Server}`, `*Host*`, `[IP]`, or mask the
 * name as `x.xx.xx.xx` / `#.prod.outlook.com #`. Such a value is never `server` (nothing probes it, no
 * connector is matched to it); when it reads as a name, the card states it as the paste's placeholder
 * (ParsedError.serverPlaceholder), so the admin sees which slot their own server goes in.
 * An anonymised IP stays an IP (`203.0.113.x`): it still says which address the poster meant.
 */
const OPENERS = '<{[(';
const CLOSERS = '>}])';

export function isPlaceholderHost(value: string): boolean {
  const first = value.charAt(0);
  const last = value.charAt(value.length - 1);
  if (OPENERS.includes(first) || CLOSERS.includes(last)) return true;
  // `*Host*`, `*SERVER*`: a word between stars, as a template marks the slot.
  if (first === '*' && last === '*') return true;
  // A name has no blanks: `{Issuing Server}` split, `#.prod.outlook.com #`.
  if (value.includes(' ') || value.includes('\t')) return true;
  // Masked all the way: only x's, dots and stars (`x.xx.xx.xx`, `*.*.*.*`).
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== 'x' && c !== 'X' && c !== '.' && c !== '*') return false;
  }
  return true;
}

/**
 * The placeholder as the card shows it: without the brackets around it (`<smtp.example.com>` →
 * `smtp.example.com`), or undefined when no word is left to read (`x.xx.xx.xx`, `***`, `[IP]`).
 */
export function placeholderAsWritten(value: string): string | undefined {
  let from = 0;
  let to = value.length;
  const stars = value.startsWith('*') && value.endsWith('*');
  // A variable (`${MAILGUN_HOST}`), or a slot inside a name (`<tenant>.mail.protection.outlook.com`), is shown as written:
  // its brackets say which part is the slot.
  if (value.startsWith('${') || (value.startsWith('<') && /^<[^<>]{1,40}>\./.test(value))) return value;
  while (from < to && (OPENERS.includes(value.charAt(from)) || (stars && value.charAt(from) === '*'))) from++;
  while (to > from && (CLOSERS.includes(value.charAt(to - 1)) || (stars && value.charAt(to - 1) === '*'))) to--;
  const inner = value.slice(from, to).trim();
  return /[A-Za-z]{3}/.test(inner.replace(/x/gi, '')) ? inner : undefined;
}
