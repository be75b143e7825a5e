import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger';

/** Secrets as real ones come: a password with a quote, a backslash, a newline and a non-ASCII letter. */
const QUOTED = 'pa"ss\\word-Ω\n1';
const PLAIN = 'alert-token-0123456789abcdef';

function logged(write: (log: ReturnType<typeof createLogger>) => void): string {
  const lines: string[] = [];
  write(createLogger({ level: 'debug', write: (l) => lines.push(l), secrets: [QUOTED, PLAIN] }));
  return lines.join('\n');
}

describe('the logger', () => {
  it('redacts a secret with a quote and a backslash in a string field, the message and a nested object', () => {
    const out = logged((log) => {
      log.info(`connecting with ${QUOTED}`, { detail: `the password is ${QUOTED}`, request: { headers: { note: [`x ${QUOTED} y`] } } });
    });
    expect(out).not.toContain(JSON.stringify(QUOTED).slice(1, -1));
    expect(out).not.toContain('pa\\"ss');
    expect(out.match(/\[redacted\]/g)).toHaveLength(3);
    const line = JSON.parse(out);
    expect(line.msg).toBe('connecting with [redacted]');
    expect(line.request.headers.note).toEqual(['x [redacted] y']);
  });

  it("redacts secrets in an Error's message, stack and cause", () => {
    const err = new Error(`login failed for ${QUOTED}`, { cause: new Error(`token ${PLAIN} expired`) });
    const out = logged((log) => log.error('request failed', { err }));
    expect(out).not.toContain('pa\\"ss');
    expect(out).not.toContain(PLAIN);
    const line = JSON.parse(out);
    expect(line.err.message).toBe('login failed for [redacted]');
    expect(line.err.stack).toContain('login failed for [redacted]');
    expect(line.err.cause.message).toBe('token [redacted] expired');
  });

  it('redacts fields named like secrets at any depth, and survives cycles and deep nesting', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const out = logged((log) => log.warn('odd fields', { options: { clientSecret: 'anything', headers: { Authorization: 'Bearer x' } }, cyclic, deep }));
    const line = JSON.parse(out);
    expect(line.options).toEqual({ clientSecret: '[redacted]', headers: { Authorization: '[redacted]' } });
    expect(line.cyclic).toEqual({ name: 'a', self: '[circular]' });
    expect(JSON.stringify(line.deep)).toContain('[nested too deep]');
  });
});
