/**
 * JSON written straight into bytes: pieces known in advance are copied as bytes, values are written as
 * the UTF-8 of their JSON text, and the result is one Buffer of exactly the bytes written. A card and the
 * activity around it reach the socket without being built as one long string first: joining strings of a
 * few KB, flattening them and encoding them again cost more than making the card itself
 * (bench/http.bench.ts).
 */
export class JsonBytes {
  private buf: Buffer;
  /** Bytes written so far; a writer may move it back to drop what it wrote after a mark. */
  pos = 0;
  /** In the array being written: no item yet (so the next one needs no comma). */
  first = true;

  constructor(capacity = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  get capacity(): number {
    return this.buf.length;
  }

  /** Starts again from nothing, keeping the memory. */
  reset(): this {
    this.pos = 0;
    this.first = true;
    return this;
  }

  /** Bytes as they are (a piece of JSON written earlier). */
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Text that is already JSON (the output of JSON.stringify, punctuation), as UTF-8. */
  text(json: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4).
    this.room(json.length * 3);
    this.pos += this.buf.write(json, this.pos);
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** Before an item of the array being written: a comma unless it is the first. */
  item(): void {
    if (this.first) this.first = false;
    else this.byte(COMMA);
  }

  /** Puts one byte at `at`, moving what was written from there one place on. */
  insert(at: number, c: number): void {
    this.room(1);
    this.buf.copyWithin(at + 1, at, this.pos);
    this.buf[at] = c;
    this.pos++;
  }

  /** Takes out the byte at `at`, moving what follows one place back. */
  remove(at: number): void {
    this.buf.copyWithin(at, at + 1, this.pos);
    this.pos--;
  }

  /** A JSON string of `s`, as JSON.stringify writes it. */
  string(s: string): void {
    if (NEEDS_ESCAPE.test(s)) {
      this.text(JSON.stringify(s));
      return;
    }
    this.room(s.length * 3 + 2);
    this.buf[this.pos++] = QUOTE;
    this.pos += this.buf.write(s, this.pos);
    this.buf[this.pos++] = QUOTE;
  }

  /**
   * A copy of the bytes from `start` to the end, in memory of its own: for bytes that are kept (remembered
   * parts of cards). A slice of a shared block would keep the whole block alive as long as it is kept.
   */
  copy(start = 0): Buffer {
    const out = Buffer.allocUnsafeSlow(this.pos - start);
    out.set(this.buf.subarray(start, this.pos));
    return out;
  }

  /** The bytes written, copied into a slice of a shared block: for bytes that are sent and then dropped. */
  take(): Buffer {
    const n = this.pos;
    if (n > SLAB_BYTES / 4) return Buffer.from(this.buf.subarray(0, n));
    if (slabUsed + n > slab.length) {
      slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      slabUsed = 0;
    }
    const out = slab.subarray(slabUsed, slabUsed + n);
    out.set(this.buf.subarray(0, n));
    slabUsed += n;
    return out;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}

/** Characters JSON.stringify writes other than as they are: quote, backslash, controls, surrogates (lone ones are escaped). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const QUOTE = 0x22;

/**
 * Output that is sent and dropped is copied into slices of blocks of this size, as Buffer.allocUnsafe
 * pools small buffers (it pools only below 4 KB; an activity with a card is about 6): a new ArrayBuffer
 * per message cost several µs under load. A block is freed when the last slice of it is, so a slice held
 * for long (a reply waiting on a slow Bot Connector) keeps at most this much alive; output over a quarter
 * of it gets memory of its own.
 */
const SLAB_BYTES = 64 * 1024;
let slab = Buffer.allocUnsafeSlow(0);
let slabUsed = 0;

export const COMMA = 0x2c;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

/** Writers kept between uses larger than this are let go (one huge card must not pin its memory). */
const KEEP_UP_TO = 256 * 1024;
let spare: JsonBytes | undefined;

/** Runs `write` on a writer (reused from the last call when free) and returns the bytes it wrote. */
export function writeJsonBytes(write: (out: JsonBytes) => void): Buffer {
  const out = spare ?? new JsonBytes();
  spare = undefined;
  try {
    write(out.reset());
    return out.take();
  } finally {
    if (out.capacity <= KEEP_UP_TO) spare = out;
  }
}
