import { afterEach, describe, expect, it } from 'vitest';
import { probeDestination } from '../../src/diagnostics/probe-destination';
import type { ProbeOptions, ProbeReport, ProbeStep, StepName } from '../../src/diagnostics/types';
import { fakeResolver, freePort, startSmtp, type StandIn } from './smtp-stand-ins';

const local: ProbeOptions = { timeoutMs: 2000, allowPrivate: true, allowedPorts: '*' };
const servers: StandIn[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function step(report: ProbeReport, name: StepName): ProbeStep {
  const found = report.steps.find((s) => s.name === name);
  if (!found) throw new Error(`no ${name} step in ${JSON.stringify(report.steps)}`);
  return found;
}

describe('probeDestination: when the bot’s own DNS is broken', () => {
  it('does not predict 4.4.312 when the control name fails to resolve too', async () => {
    const resolver = fakeResolver({});
    const report = await probeDestination({ host: 'mail.contoso.test', port: 25 }, { ...local, resolver });
    expect(report.eopCode).toBeUndefined();
    expect(report.botDnsBroken).toEqual({ checkName: 'outlook.com' });
    expect(step(report, 'dns')).toMatchObject({ status: 'fail', outcome: 'BOT_DNS_BROKEN', errno: 'ENOTFOUND', peer: 'mail.contoso.test' });
    expect(resolver.asked).toContain('queryA outlook.com');
    expect(report.healthy).toBe(false);
  });

  it('asks the configured DNS_CHECK_NAME, and blames the target when that name resolves', async () => {
    const resolver = fakeResolver({ 'microsoft.com': { a: ['20.70.246.20'] }, 'mail.contoso.test': { error: 'ESERVFAIL' } });
    const report = await probeDestination({ host: 'mail.contoso.test', port: 25 }, { ...local, resolver, dnsCheckName: 'microsoft.com' });
    expect(resolver.asked).toContain('queryA microsoft.com');
    expect(resolver.asked).not.toContain('queryA outlook.com');
    expect(report.eopCode).toBe('4.4.312');
    expect(report.botDnsBroken).toBeUndefined();
    expect(step(report, 'dns')).toMatchObject({ outcome: 'SERVFAIL', errno: 'ESERVFAIL', peer: 'mail.contoso.test' });
  });

  it('does not ask the control name when DNS answered (a name with no address is the target’s problem)', async () => {
    const resolver = fakeResolver({ 'empty.contoso.test': {} });
    const report = await probeDestination({ host: 'empty.contoso.test', port: 25 }, { ...local, resolver });
    expect(report.eopCode).toBe('4.4.312');
    expect(resolver.asked.some((q) => q.endsWith('outlook.com'))).toBe(false);
  });
});

describe('probeDestination: reverse DNS of the address it connected to or tried', () => {
  it('looks up the PTR of the address a refused connection tried, and says so with no EOP code of its own', async () => {
    const port = await freePort();
    const resolver = fakeResolver({ 'mail.contoso.test': { a: ['127.0.0.1'] }, '127.0.0.1': { ptr: ['relay.contoso.test'] } });
    const report = await probeDestination({ host: 'mail.contoso.test', port }, { ...local, resolver });
    expect(report.triedAddress).toBe('127.0.0.1');
    expect(report.ptrNames).toEqual(['relay.contoso.test']);
    expect(step(report, 'ptr')).toMatchObject({ status: 'ok', detail: '127.0.0.1 → relay.contoso.test' });
    expect(step(report, 'tcp')).toMatchObject({ status: 'fail', outcome: 'REFUSED', errno: 'ECONNREFUSED', peer: '127.0.0.1' });
    expect(report.eopCode).toBe('4.4.316');
    expect(resolver.asked).toContain('getHostByAddr 127.0.0.1');
  });

  it('warns when the address has no PTR record, and goes on to the greeting as before', async () => {
    const server = await startSmtp({});
    servers.push(server);
    const report = await probeDestination({ host: '127.0.0.1', port: server.port }, { ...local, resolver: fakeResolver({}) });
    expect(step(report, 'ptr')).toMatchObject({ status: 'warn', outcome: 'NO_PTR' });
    expect(report.ptrNames).toEqual([]);
    expect(step(report, 'banner').status).toBe('ok');
  });

  it('takes the same time budget as any step for a PTR query that never answers', async () => {
    const port = await freePort();
    const started = Date.now();
    const report = await probeDestination({ host: '127.0.0.1', port }, { ...local, timeoutMs: 150, resolver: fakeResolver({ '127.0.0.1': { hang: true } }) });
    expect(step(report, 'ptr')).toMatchObject({ status: 'warn', outcome: 'PTR_TIMEOUT' });
    expect(step(report, 'ptr').ms).toBeGreaterThanOrEqual(100);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
