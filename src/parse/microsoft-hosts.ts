/**
 * Exchange Online names its own transport servers under these suffixes
 * (e.g. AM4PR01MB1234.eurprd01.prod.exchangelabs.com, XXXEUR01FTXXX.eop-EUR01.prod.protection.outlook.com).
 * Such a host is where the error was generated, never the destination the admin has to fix.
 * `contoso-com.mail.protection.outlook.com` is deliberately NOT matched: when a third-party relay
 * talked to it, it is the destination.
 */
const INTERNAL_SUFFIXES = ['.prod.protection.outlook.com', '.prod.outlook.com', '.exchangelabs.com'];

export function isMicrosoftInternalHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  return INTERNAL_SUFFIXES.some((suffix) => h.endsWith(suffix));
}
