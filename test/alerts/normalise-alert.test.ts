import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type IncomingAlert, normaliseAlert } from '../../src/alerts/normalise-alert';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'alerts', name));
const json = (body: unknown) => Buffer.from(JSON.stringify(body));

function alertsOf(contentType: string, raw: Buffer): IncomingAlert[] {
  const result = normaliseAlert(contentType, raw, new URLSearchParams());
  if (result.kind !== 'alerts') throw new Error(`expected alerts, got ${JSON.stringify(result)}`);
  return result.alerts;
}

describe('alert titles: the name or summary the sender gave, not the raw text', () => {
  it('titles a text webhook by its first line with words, trimmed', () => {
    const [alert] = alertsOf('text/plain', fixture('text-queue-warning.txt'));
    expect(alert.title).toBe('Exchange queue warning on EDGE01');
  });

  it('titles a JSON alert by its name, summary or title, before its text', () => {
    expect(alertsOf('application/json', fixture('json-named-queue-alert.json'))[0].title).toBe('Hybrid outbound queue');
    expect(alertsOf('application/json', json({ summary: 'Queue to fabrikam.com', text: '450 4.4.316 x' }))[0].title).toBe('Queue to fabrikam.com');
    expect(alertsOf('application/json', json({ title: 'Edge queue', name: 'n', text: 'x' }))[0].title).toBe('Edge queue');
    expect(alertsOf('application/json', json({ text: '\n  451 4.4.0 DNS query failed  \nmore' }))[0].title).toBe('451 4.4.0 DNS query failed');
  });

  it('titles an Alertmanager alert by its alertname and summary, without saying the name twice', () => {
    expect(alertsOf('application/json', fixture('alertmanager-queue-firing.json'))[0].title).toBe(
      'MailQueueBuilding: Outbound queue to contoso.mail.protection.outlook.com is building',
    );
    const body = {
      version: '4',
      alerts: [{ labels: { alertname: 'QueueHigh' }, annotations: { summary: 'QueueHigh on edge01' } }, { labels: { alertname: 'Bare' } }],
    };
    expect(alertsOf('application/json', json(body)).map((a) => a.title)).toEqual(['QueueHigh on edge01', 'Bare']);
  });

  it('titles an Azure Monitor alert by its rule, or by its description when it has none', () => {
    expect(alertsOf('application/json', fixture('azure-monitor-firing.json'))[0].title).toBe('EXO outbound queue');
    const body = { schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: { description: 'Queue over 2000\nsecond line' } } };
    expect(alertsOf('application/json', json(body))[0].title).toBe('Queue over 2000');
  });

  it('reads a Graph security alert (alerts_v2), alone or as a page of them', () => {
    const one = JSON.parse(fixture('graph-security-alert-delayed.json').toString());
    const [alert] = alertsOf('application/json', json(one));
    expect(alert).toMatchObject({
      source: 'graph-security-alert',
      title: 'Messages have been delayed',
      status: 'firing',
      severity: 'high',
      externalId: one.id,
    });
    expect(alert.text).toContain('450 4.4.316');
    expect(alert.link).toBe(one.alertWebUrl);
    const { '@odata.type': _type, ...untyped } = one;
    expect(alertsOf('application/json', json({ value: [untyped, { ...untyped, id: 'second', title: 'Second' }] })).map((a) => a.title)).toEqual([
      'Messages have been delayed',
      'Second',
    ]);
  });
});

describe('what the alert says about itself: counts, start and end', () => {
  it('reads the queued count of a "Messages have been delayed" alert from its words, and its start', () => {
    const [alert] = alertsOf('application/json', fixture('graph-security-alert-delayed.json'));
    expect(alert.counts).toEqual({ queuedMessages: 2413 });
    expect(alert.startedAt).toBe('2026-12-02T12:40:11.520Z');
    expect(alert.endedAt).toBeUndefined();
  });

  it('gives a resolved Graph alert its resolvedDateTime, or its lastUpdateDateTime when that is empty', () => {
    const resolved = JSON.parse(fixture('graph-security-alert-resolved.json').toString());
    expect(alertsOf('application/json', json(resolved))[0]).toMatchObject({ status: 'resolved', endedAt: '2026-12-02T14:05:02.100Z' });
    expect(alertsOf('application/json', json({ ...resolved, resolvedDateTime: null }))[0].endedAt).toBe('2026-12-02T14:06:30.000Z');
  });

  it('reads queued, messageCount and count fields of a JSON alert as three different figures', () => {
    expect(alertsOf('application/json', fixture('json-named-queue-alert.json'))[0].counts).toEqual({
      queuedMessages: 812,
      messageCount: 1290,
      reportedCount: 3,
    });
  });

  it('reads a count from an Alertmanager annotation or label, and startsAt; a firing alert has no end', () => {
    const [alert] = alertsOf('application/json', fixture('alertmanager-queue-firing.json'));
    expect(alert.counts).toEqual({ queuedMessages: 2400 });
    expect(alert.startedAt).toBe('2026-12-02T13:20:00.000Z');
    expect(alert.endedAt).toBeUndefined(); // endsAt is 0001-01-01, Alertmanager's "not set"
    const labelled = { version: '4', alerts: [{ labels: { alertname: 'Q', queued_messages: '1 500' }, annotations: {} }] };
    expect(alertsOf('application/json', json(labelled))[0].counts).toEqual({ queuedMessages: 1500 });
  });

  it('gives a resolved Alertmanager alert its endsAt', () => {
    const [alert] = alertsOf('application/json', fixture('alertmanager-resolved.json'));
    expect(alert).toMatchObject({ status: 'resolved', startedAt: '2026-01-09T21:00:00.123Z', endedAt: '2026-01-09T21:12:45.500Z' });
  });

  it('ends an Azure Monitor alert only when its condition is Resolved, though the sample fills resolvedDateTime on a Fired one', () => {
    const [fired] = alertsOf('application/json', fixture('azure-monitor-firing.json'));
    expect(fired).toMatchObject({ status: 'firing', startedAt: '2019-03-22T13:58:24.371Z' });
    expect(fired.endedAt).toBeUndefined();
    const [resolved] = alertsOf('application/json', fixture('azure-monitor-resolved.json'));
    expect(resolved).toMatchObject({ status: 'resolved', endedAt: '2019-03-22T14:03:16.224Z' });
  });

  it('reads the queued count a text webhook states in words', () => {
    expect(alertsOf('text/plain', fixture('text-queue-warning.txt'))[0].counts).toEqual({ queuedMessages: 4200 });
  });
});
