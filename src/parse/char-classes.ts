/** Character tests shared by the scanners; plain code-unit comparisons, no regex in the hot loops. */

export function isWordChar(c: number): boolean {
  if (Number.isNaN(c)) return false;
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
  return c > 127 && /[\p{L}\p{N}]/u.test(String.fromCharCode(c));
}

/** Letters, digits, `-` and `.`: what a DNS name is made of. */
export function isHostChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46;
}
