/**
 * One object of PowerShell `Format-List` output, e.g. on-premises `Get-Queue | Format-List`
 * (https://learn.microsoft.com/en-us/powershell/module/exchange/get-queue):
 *   Identity      : EXCH01\3
 *   DeliveryType  : SmartHostConnectorDelivery
 *   NextHopDomain : smarthost.contoso.com
 *   LastError     : 451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain
 *   LastRetryTime : 6/14/2023 9:41:07 AM
 * The fields come in any order, so the LastError line is read when the block ends: at a line that is
 * not a `Key: value` line, or at one of LIST_KEYS seen before (the next object's `Identity`). Blank
 * lines do not end it (Teams pastes add them). One LastError is held at a time, so the look-around
 * is bounded by the block and every line is still read once.
 */
export const LIST_KEYS = ['identity', 'nexthopdomain', 'lasterror', 'lastretrytime'] as const;
export type ListKey = (typeof LIST_KEYS)[number];

export class FieldListBlock {
  private readonly keys = new Set<ListKey>();
  nextHopDomain?: string;
  lastRetryTime?: string;
  lastError?: { start: number; end: number };

  /** Records the key; false when the block already has it, i.e. the line starts the next object. */
  addKey(name: ListKey): boolean {
    if (this.keys.has(name)) return false;
    this.keys.add(name);
    return true;
  }

  /** NextHopDomain as the destination: a host name is the server, an address literal `[203.0.113.20]` the IP. */
  destination(): { server?: string; ip?: string } {
    const hop = this.nextHopDomain;
    if (!hop) return {};
    if (hop.startsWith('[') && hop.endsWith(']')) return { ip: hop.slice(1, -1).trim() || undefined };
    return /\s/.test(hop) ? {} : { server: hop };
  }
}
