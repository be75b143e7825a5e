/**
 * A `Name:` field start, as the sticky pattern /[ \t]{0,8}[A-Za-z][A-Za-z0-9-]{0,maxNameTail}[ \t]{0,maxGap}:/y
 * reads it at `start`. Written out over char codes because it is asked for every line of a paste.
 * The pattern cannot backtrack into a different match (blanks, name characters and the colon are
 * disjoint sets), so one forward walk gives the same answer.
 */
export function matchFieldName(
  text: string,
  start: number,
  maxNameTail: number,
  maxGap: number,
): { nameStart: number; nameEnd: number; end: number } | undefined {
  // Every read stays inside the text: reading past its end would cost the optimised code a deopt.
  const n = text.length;
  let i = start;
  while (i < n && i < start + 8 && isBlank(text.charCodeAt(i))) i++;
  if (i >= n || !isLetter(text.charCodeAt(i))) return undefined;
  const nameStart = i++;
  while (i < n && i <= nameStart + maxNameTail && isNameChar(text.charCodeAt(i))) i++;
  const nameEnd = i;
  while (i < n && i < nameEnd + maxGap && isBlank(text.charCodeAt(i))) i++;
  if (i >= n || text.charCodeAt(i) !== 58 /* : */) return undefined;
  return { nameStart, nameEnd, end: i + 1 };
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isNameChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 45;
}
