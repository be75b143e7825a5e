import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IncomingAlert } from '../../src/alerts/normalise-alert';
import type { ProbeReport } from '../../src/diagnostics/types';
import { memoryLogger } from '../../src/log/logger';
import { certificateCovers, judgeSmartHost } from '../../src/signals/connector-findings';
import { createConnectorWatch } from '../../src/signals/connector-watch';
import { openSqliteStore } from '../../src/store/sqlite-store';

const DAY = 86_400_000;
const connector = {
  name: 'Partner',
  enabled: true,
  smartHosts: ['smtp.partner.example'],
  recipientDomains: ['partner.example'],
  tlsSettings: 'DomainValidation' as const,
  tlsDomain: 'smtp.partner.example',
};

/** The same certificate is read on every check unless a test renews it. */
function healthyReport(
  daysLeft: number,
  names = ['DNS:smtp.partner.example'],
  validTo = new Date(Date.now() + daysLeft * DAY + 3_600_000).toISOString(),
): ProbeReport {
  return {
    target: { host: 'smtp.partner.example', port: 25, isIp: false },
    addresses: ['198.51.100.9'],
    triedAddress: '198.51.100.9',
    steps: [{ name: 'certificate', status: 'ok', outcome: 'OK', detail: '', ms: 1 }],
    healthy: true,
    certificate: {
      subject: 'CN=smtp.partner.example',
      issuer: 'CN=Some CA',
      san: names,
      validFrom: new Date(Date.now() - 300 * DAY).toISOString(),
      validTo,
      daysLeft,
      trusted: true,
      nameMatches: true,
      checkedName: 'smtp.partner.example',
      fingerprint256: 'AA',
      selfSigned: false,
    },
  };
}

describe('judging a smart host against its connector', () => {
  it.each([
    [45, undefined],
    [29, 30],
    [13, 14],
    [5, 7],
    [0, 1],
  ])('a certificate with %i days left crosses the %s-day threshold', (days, threshold) => {
    const findings = judgeSmartHost(connector, { host: 'smtp.partner.example', port: 25, address: '198.51.100.9', report: healthyReport(days) });
    expect(findings.find((f) => f.kind === 'expiring')?.threshold).toBe(threshold);
  });

  it('reads names as TLS does: a wildcard stands for one whole label', () => {
    const cert = { san: ['DNS:*.partner.example'], subject: 'CN=x' };
    expect(certificateCovers(cert, 'smtp.partner.example')).toBe(true);
    expect(certificateCovers(cert, 'a.smtp.partner.example')).toBe(false);
    expect(certificateCovers(cert, 'partner.example')).toBe(false);
    expect(certificateCovers({ san: [], subject: 'CN=mail.contoso.com' }, 'MAIL.contoso.com.')).toBe(true);
  });

  it('does not hold a certificate against a connector that does not check it', () => {
    const report = healthyReport(-3, ['DNS:other.example']);
    expect(judgeSmartHost({ ...connector, tlsSettings: 'EncryptionOnly' }, { host: 'smtp.partner.example', port: 25, report })).toEqual([]);
    expect(
      judgeSmartHost(connector, { host: 'smtp.partner.example', port: 25, report })
        .map((f) => f.kind)
        .sort(),
    ).toEqual(['expired', 'name-mismatch']);
  });
});

describe('the connector watch over time', () => {
  it('posts an expiring certificate once per threshold, and resolves the last when it is renewed', async () => {
    const store = openSqliteStore(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-cw-unit-')));
    let days = 20;
    let validTo = new Date(Date.now() + 20 * DAY).toISOString();
    const accepted: IncomingAlert[][] = [];
    const watch = createConnectorWatch({
      store,
      logger: memoryLogger(),
      clock: Date.now,
      intervalMs: 1000,
      connectors: async () => [connector],
      probe: async () => healthyReport(days, undefined, validTo),
      accept: async (alerts) => void accepted.push(alerts),
    });
    const round = async (d: number) => {
      days = d;
      accepted.length = 0;
      await watch.tick();
      return accepted.flat().map((a) => `${a.status} ${a.externalId}`);
    };
    expect(await round(20)).toEqual(['firing Partner|expiring-30|smtp.partner.example']);
    expect(await round(20)).toEqual([]);
    expect(await round(19)).toEqual([]);
    expect(await round(10)).toEqual(['firing Partner|expiring-14|smtp.partner.example', 'resolved Partner|expiring-30|smtp.partner.example']);
    validTo = new Date(Date.now() + 200 * DAY).toISOString();
    expect(await round(200)).toEqual(['resolved Partner|expiring-14|smtp.partner.example']);
    expect((await watch.latest())?.connectors[0]?.findings).toEqual([]);
    await store.close();
  });
});
