/**
 * Winsock / Win32 error numbers as Exchange prints them (ndr-catalog §4):
 * `Socket error code 10061`, `SocketTimedout: Socket error code 10060`,
 * `Winsock error code: 10060, Win32 error code: 10060`, `SocketError 10054`.
 * "Connection dropped due to SocketError" has no number and yields nothing.
 */
const SOCKET_ERROR = /(?:socket ?error(?: ?code)?|winsock error code|win32 error code)[ \t]{0,3}[:=#]?[ \t]{0,3}(\d{2,5})(?!\d)/i;

export function findSocketError(text: string): number | undefined {
  const m = SOCKET_ERROR.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** On-premises queues end with "The last endpoint attempted was 10.1.1.3:25". */
const LAST_ENDPOINT = /last endpoint attempted was[ \t]{1,3}([^\s]{1,100})/i;

export function findLastEndpoint(text: string): string | undefined {
  const m = LAST_ENDPOINT.exec(text);
  if (!m) return undefined;
  const value = m[1].endsWith('.') ? m[1].slice(0, -1) : m[1];
  return value || undefined;
}
