import { startsWithIgnoreCase } from './char-classes';

/**
 * Exchange Online names its own transport servers under these suffixes
 * (e.g. AM4PR01MB1234.eurprd01.prod.exchangelabs.com, XXXEUR01FTXXX.eop-EUR01.prod.protection.outlook.com).
 * Such a host is where the error was generated, never the destination the admin has to fix.
 * `contoso-com.mail.protection.outlook.com` is deliberately NOT matched: when a third-party relay
 * talked to it, it is the destination.
 */
const INTERNAL_SUFFIXES = ['.prod.protection.outlook.com', '.prod.outlook.com', '.exchangelabs.com'];

/** Asked for every candidate host and every `[` of an LED line, so it compares in place instead of lower-casing a copy. */
export function isMicrosoftInternalHost(host: string): boolean {
  const h = host.trimEnd();
  // The suffixes start with a dot, so leading blanks can never be part of a match and need no trim.
  const end = h.endsWith('.') ? h.length - 1 : h.length;
  return INTERNAL_SUFFIXES.some((suffix) => startsWithIgnoreCase(h, end - suffix.length, suffix));
}
