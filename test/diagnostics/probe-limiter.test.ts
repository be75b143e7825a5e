import { describe, expect, it } from 'vitest';
import { createProbeLimiter } from '../../src/diagnostics/probe-limiter';
import type { ProbeReport } from '../../src/diagnostics/types';

const report = (host: string): ProbeReport => ({ target: { host, port: 25, isIp: false }, addresses: [], steps: [], healthy: true });

/** A probe the test finishes by hand. */
function pendingProbe(host: string) {
  let finish!: () => void;
  const promise = new Promise<ProbeReport>((resolve) => {
    finish = () => resolve(report(host));
  });
  return { start: () => promise, finish };
}

describe('createProbeLimiter', () => {
  it('joins a second ask for the same destination to the running probe, without charging the budget', async () => {
    const limiter = createProbeLimiter({ perUser: 1, overall: 10, windowMs: 60_000, clock: () => 0 });
    const probe = pendingProbe('mail.contoso.com');
    let starts = 0;
    const first = limiter.run('alice', 'mail.contoso.com:25', () => {
      starts++;
      return probe.start();
    });
    const second = limiter.run('bob', 'MAIL.contoso.com:25', () => {
      starts++;
      return probe.start();
    });
    expect(first.status).toBe('started');
    expect(second).toMatchObject({ status: 'joined' });
    expect(second.promise).toBe(first.promise);
    expect(starts).toBe(1);
    // bob joined, so his own budget is untouched
    expect(limiter.run('bob', 'other.contoso.com:25', pendingProbe('other').start).status).toBe('started');
    probe.finish();
    expect((await second.promise)!.target.host).toBe('mail.contoso.com');
  });

  it('starts a fresh probe for the same destination once the first has finished', async () => {
    let now = 0;
    const limiter = createProbeLimiter({ perUser: 5, overall: 10, windowMs: 60_000, clock: () => now });
    const probe = pendingProbe('a');
    const first = limiter.run('alice', 'a:25', probe.start);
    probe.finish();
    await first.promise;
    now = 1;
    expect(limiter.run('alice', 'a:25', pendingProbe('a').start).status).toBe('started');
  });

  it('limits one user to perUser starts per window and says when to retry', () => {
    let now = 1_000;
    const limiter = createProbeLimiter({ perUser: 2, overall: 100, windowMs: 60_000, clock: () => now });
    expect(limiter.run('alice', 'a:25', pendingProbe('a').start).status).toBe('started');
    now = 11_000;
    expect(limiter.run('alice', 'b:25', pendingProbe('b').start).status).toBe('started');
    now = 21_000;
    expect(limiter.run('alice', 'c:25', pendingProbe('c').start)).toEqual({ status: 'limited', retryAfterMs: 40_000 });
    expect(limiter.run('bob', 'c:25', pendingProbe('c').start).status).toBe('started');
    now = 61_000; // alice's first start has left the window
    expect(limiter.run('alice', 'd:25', pendingProbe('d').start).status).toBe('started');
  });

  it('limits everyone together to overall starts per window', () => {
    let now = 0;
    const limiter = createProbeLimiter({ perUser: 10, overall: 2, windowMs: 10_000, clock: () => now });
    expect(limiter.run('alice', 'a:25', pendingProbe('a').start).status).toBe('started');
    now = 2_000;
    expect(limiter.run('bob', 'b:25', pendingProbe('b').start).status).toBe('started');
    now = 3_000;
    expect(limiter.run('carol', 'c:25', pendingProbe('c').start)).toEqual({ status: 'limited', retryAfterMs: 7_000 });
    now = 10_000;
    expect(limiter.run('carol', 'c:25', pendingProbe('c').start).status).toBe('started');
  });

  it('does not count a limited ask against the user', () => {
    let now = 0;
    const limiter = createProbeLimiter({ perUser: 1, overall: 10, windowMs: 1_000, clock: () => now });
    limiter.run('alice', 'a:25', pendingProbe('a').start);
    expect(limiter.run('alice', 'b:25', pendingProbe('b').start).status).toBe('limited');
    now = 1_000;
    expect(limiter.run('alice', 'b:25', pendingProbe('b').start).status).toBe('started');
  });

  it('frees the destination when a probe rejects, without an unhandled rejection of its own', async () => {
    const limiter = createProbeLimiter({ perUser: 5, overall: 5, windowMs: 1_000, clock: () => 0 });
    const failed = limiter.run('alice', 'a:25', () => Promise.reject(new Error('boom')));
    await expect(failed.promise).rejects.toThrow('boom');
    expect(limiter.run('alice', 'a:25', pendingProbe('a').start).status).toBe('started');
    const thrown = limiter.run('alice', 'b:25', () => {
      throw new Error('sync boom');
    });
    await expect(thrown.promise).rejects.toThrow('sync boom');
  });
});
