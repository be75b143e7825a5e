import { randomBytes } from 'node:crypto';

/**
 * A set of strings kept as 53-bit fingerprints in one typed array: no object per string for the garbage
 * collector to keep, move and trace. Keeping each key of the last few minutes as a string in a Set cost
 * about as much per message as the rest of the duplicate check (bench/http.bench.ts).
 *
 * Two different strings share a fingerprint with a chance of about n / 2^53 for each new one among n kept:
 * with the 50,000 a duplicate check keeps at most, below 1 in 10^11 per message, and then a message would
 * be taken for a repeat of another. The hash is not cryptographic: keys come from the Bot Connector
 * (conversation and activity ids) and from signed alerts, not chosen to collide with somebody else's.
 */
export class FingerprintSet {
  private slots: Float64Array;
  size = 0;

  /** Room for `expected` fingerprints at most half full; it grows if more come. */
  constructor(private readonly expected = 1024) {
    this.slots = new Float64Array(tableSize(expected));
  }

  has(fp: number): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = slotOf(fp, mask); ; i = (i + 1) & mask) {
      const v = slots[i];
      if (v === fp) return true;
      if (v === 0) return false;
    }
  }

  /** Adds a fingerprint; false when it was there already. */
  add(fp: number): boolean {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = slotOf(fp, mask); ; i = (i + 1) & mask) {
      const v = slots[i];
      if (v === fp) return false;
      if (v === 0) {
        slots[i] = fp;
        this.size++;
        return true;
      }
    }
  }

  /** Empties the set, keeping its memory unless it grew past the size it was made for. */
  clear(): void {
    if (this.slots.length > tableSize(this.expected)) this.slots = new Float64Array(tableSize(this.expected));
    else this.slots.fill(0);
    this.size = 0;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.size = 0;
    for (const v of old) if (v !== 0) this.add(v);
  }
}

/**
 * A string's fingerprint: a whole number from 1 to 2^53 - 1 (exact in a double, and in JSON). Two 32-bit
 * multiply-xorshift lanes over the UTF-16 code units, mixed into each other at the end.
 */
export function fingerprint(s: string): number {
  let a = 0x9e3779b9 ^ s.length;
  let b = 0x85ebca6b;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b) ^ Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 16), 0x27d4eb2f) ^ Math.imul(a ^ (a >>> 15), 0x165667b1);
  b ^= b >>> 16;
  const fp = (a >>> 11) * 0x1_0000_0000 + (b >>> 0);
  return fp === 0 ? 1 : fp; // 0 marks an empty slot
}

function tableSize(expected: number): number {
  let size = 16;
  while (size < expected * 2) size *= 2;
  return size;
}

/**
 * Where a fingerprint's search starts: its low 32 bits mixed with a number drawn at start, so that keys
 * chosen to share slots in one process (long searches) do not in another. Fingerprints themselves are the
 * same in every process: the journal keeps them across restarts.
 */
const SLOT_SEED = randomBytes(4).readUInt32LE(0);

function slotOf(fp: number, mask: number): number {
  let h = Math.imul((fp % 0x1_0000_0000) ^ SLOT_SEED, 0x9e3779b1);
  h ^= h >>> 16;
  return h & mask;
}
