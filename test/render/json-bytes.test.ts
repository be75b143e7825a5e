import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes, writeJsonBytes } from '../../src/render/json-bytes';

describe('JsonBytes', () => {
  it('writes any string as JSON.stringify does, in UTF-8 (quotes, backslashes, controls, surrogates, non-ASCII)', () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('', '"', '\\', '\u0000', '\u001f', '\u2028', '\ud800', 'a\udc00b', '😀', 'Привет'));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), (strings) => {
        const bytes = writeJsonBytes((out) => {
          for (const s of strings) {
            out.item();
            out.string(s);
          }
        });
        expect(bytes.toString('utf8')).toBe(strings.map((s) => JSON.stringify(s)).join(','));
      }),
    );
  });

  it('grows past its first capacity and keeps what it wrote', () => {
    const out = new JsonBytes(4);
    const long = 'x'.repeat(10_000);
    out.byte(0x5b);
    out.string(long);
    out.bytes(Buffer.from(',1]'));
    expect(out.capacity).toBeGreaterThanOrEqual(out.pos);
    expect(out.copy().toString()).toBe(`[${JSON.stringify(long)},1]`);
  });

  it('inserts and removes a byte in what was written', () => {
    const out = new JsonBytes(2);
    out.text('[1,2]');
    out.remove(0);
    expect(out.copy().toString()).toBe('1,2]');
    out.insert(0, 0x5b);
    out.insert(3, 0x20);
    expect(out.copy().toString()).toBe('[1, 2]');
  });

  it('hands out bytes that later writes do not change, small and large', () => {
    const small = writeJsonBytes((out) => out.text('{"a":1}'));
    const large = writeJsonBytes((out) => out.string('y'.repeat(200_000)));
    const many = Array.from({ length: 200 }, (_, i) => writeJsonBytes((out) => out.text(JSON.stringify({ i, pad: 'z'.repeat(2000) }))));
    // Many blocks later (8 MB of other output), the first ones still hold their own bytes.
    for (let i = 0; i < 1000; i++) writeJsonBytes((out) => out.string(String(i % 10).repeat(8000)));
    expect(small.toString()).toBe('{"a":1}');
    expect(large.toString()).toBe(JSON.stringify('y'.repeat(200_000)));
    many.forEach((b, i) => expect(JSON.parse(b.toString())).toEqual({ i, pad: 'z'.repeat(2000) }));
  });

  it('copies what is kept into memory of its own, not a slice of a shared block', () => {
    const out = new JsonBytes();
    out.text('[1,2,3]');
    const kept = out.copy(1);
    expect(kept.toString()).toBe('1,2,3]');
    expect(kept.buffer.byteLength).toBe(kept.length);
  });

  it('gives a writer used inside another its own memory', () => {
    const outer = writeJsonBytes((out) => {
      out.text('[');
      const inner = writeJsonBytes((o) => o.text('"inner"'));
      out.bytes(inner);
      out.text(']');
    });
    expect(outer.toString()).toBe('["inner"]');
  });
});
