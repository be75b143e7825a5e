import type { ParsedError } from '../parse/types';

/** The error an alert is about: permanent before transient, else the first in the text; a delivery is no error. */
export function worstError(errors: readonly ParsedError[]): ParsedError | undefined {
  return [...errors.filter((e) => e.outcome !== 'delivered')].sort((a, b) => Number(b.enhancedCode[0]) - Number(a.enhancedCode[0]))[0];
}
