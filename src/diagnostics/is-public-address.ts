import { isIP } from 'node:net';

/**
 * True only for a globally reachable unicast address, so the bot cannot be used to scan the
 * network it runs in. Ranges from the IANA special-purpose registries (RFC 6890 and updates):
 * https://www.iana.org/assignments/iana-ipv4-special-registry and .../iana-ipv6-special-registry.
 * Documentation ranges are refused too: nothing real answers there.
 */
export function isPublicAddress(ip: string): boolean {
  if (ip.includes('%')) return false; // a zone index (fe80::1%eth0) is local by definition
  switch (isIP(ip)) {
    case 4:
      return isPublicV4(parseV4(ip));
    case 6:
      return isPublicV6(parseV6(ip));
    default:
      return false;
  }
}

type V4Range = readonly [base: string, prefix: number];

const NON_PUBLIC_V4: readonly V4Range[] = [
  ['0.0.0.0', 8], // "this network" (RFC 791)
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (RFC 3927), includes cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24], // TEST-NET-1 (RFC 5737)
  ['192.88.99.0', 24], // 6to4 relay anycast, deprecated (RFC 7526)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved (RFC 1112), includes broadcast 255.255.255.255
];

const NON_PUBLIC_V4_MASKS = NON_PUBLIC_V4.map(([base, prefix]) => {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return { net: (parseV4(base) & mask) >>> 0, mask };
});

function isPublicV4(addr: number): boolean {
  return !NON_PUBLIC_V4_MASKS.some(({ net, mask }) => (addr & mask) >>> 0 === net);
}

/** A dotted quad already checked by net.isIP → 32-bit unsigned number. */
function parseV4(text: string): number {
  return text.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

/** An address already checked by net.isIP → eight 16-bit groups (handles `::` and a trailing dotted quad). */
function parseV6(text: string): number[] {
  let s = text.toLowerCase();
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (quad) {
    const v4 = parseV4(quad[1]);
    s = `${s.slice(0, quad.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16));
}

const embeddedV4 = (g: number[], at: number): number => ((g[at] << 16) | g[at + 1]) >>> 0;
const startsWith = (g: number[], prefix: number[]): boolean => prefix.every((value, i) => g[i] === value);

function isPublicV6(g: number[]): boolean {
  // ::ffff:a.b.c.d (IPv4-mapped, RFC 4291) and 64:ff9b::a.b.c.d (NAT64 well-known prefix, RFC 6052)
  // reach the embedded IPv4 address, so they are exactly as public as it is.
  if (startsWith(g, [0, 0, 0, 0, 0, 0xffff])) return isPublicV4(embeddedV4(g, 6));
  if (startsWith(g, [0x64, 0xff9b, 0, 0, 0, 0])) return isPublicV4(embeddedV4(g, 6));
  // 6to4 (RFC 3056): 2002:AABB:CCDD::/48 carries IPv4 AA.BB.CC.DD
  if (g[0] === 0x2002) return isPublicV4(embeddedV4(g, 1));
  // Only 2000::/3 is allocated global unicast; everything else (::/128, ::1, ::/96, 64:ff9b:1::/48,
  // 100::/64, fc00::/7, fe80::/10, fec0::/10, ff00::/8, 5f00::/16) is not globally reachable.
  if ((g[0] & 0xe000) !== 0x2000) return false;
  if (g[0] === 0x2001 && g[1] < 0x200) return false; // 2001::/23 IETF protocol assignments, incl. Teredo
  if (g[0] === 0x2001 && g[1] === 0x0db8) return false; // documentation (RFC 3849)
  if (g[0] === 0x3fff && g[1] < 0x1000) return false; // 3fff::/20 documentation (RFC 9637)
  return true;
}
