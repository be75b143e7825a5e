import { describe, expect, it } from 'vitest';
import { readManagementAlerts } from '../../src/signals/management-alerts';
import { readNotifications } from '../../src/signals/management-notifications';

const record = (over: Record<string, unknown> = {}) => ({
  CreationTime: '2026-12-03T06:10:00',
  Id: '1f0e2d3c-4b5a-4968-8776-655443322110',
  Operation: 'AlertTriggered',
  RecordType: 40,
  UserId: 'SecurityComplianceAlerts',
  AlertId: 'a1b2c3d4-0000-4000-8000-000000000042',
  Name: 'Messages have been delayed',
  Status: 'Active',
  Severity: 'High',
  Category: 'MailFlow',
  Comments: 'New alert',
  Data: '{"an":"Messages have been delayed","srv":"mail.contoso.com","qc":2413}',
  ...over,
});

describe('alert policy records from the Management Activity API', () => {
  it('reads a MailFlow alert with its name, severity, time and Data values as text for the parser', () => {
    const [a] = readManagementAlerts([record()]);
    expect(a).toMatchObject({
      source: 'microsoft-alert',
      externalId: 'a1b2c3d4-0000-4000-8000-000000000042',
      status: 'firing',
      title: 'Messages have been delayed',
      severity: 'High',
      startedAt: '2026-12-03T06:10:00.000Z',
      link: 'https://security.microsoft.com/alerts',
    });
    expect(a!.text).toContain('srv: mail.contoso.com');
    expect(a!.text).toContain('qc: 2413');
  });

  it('takes RecordType as a string or its name, Category in any case, and closes on Resolved or Dismissed', () => {
    const alerts = readManagementAlerts([
      record({ RecordType: '40', Category: 'mailflow', Operation: 'AlertUpdated', Status: 'Dismissed' }),
      record({ RecordType: 'SecurityComplianceAlerts', Category: 'Mail flow', Status: 'Resolved' }),
    ]);
    expect(alerts.map((a) => a.status)).toEqual(['resolved', 'resolved']);
    expect(alerts[0]!.endedAt).toBe('2026-12-03T06:10:00.000Z');
    expect(alerts[0]!.startedAt).toBeUndefined();
  });

  it('leaves out other categories, entity records, other workloads, records without an AlertId and junk', () => {
    expect(
      readManagementAlerts([
        record({ Category: 'ThreatManagement' }),
        record({ Operation: 'AlertEntityGenerated' }),
        record({ RecordType: 6, Operation: 'FileAccessed' }),
        record({ AlertId: '' }),
        null,
        'text',
        42,
      ]),
    ).toEqual([]);
    expect(readManagementAlerts({ not: 'an array' })).toEqual([]);
  });

  it('reads a record whose Data is not JSON by its name and comments alone', () => {
    const [a] = readManagementAlerts([record({ Data: '{broken', Name: '' })]);
    expect(a!.title).toBe('Microsoft 365 alert');
    expect(a!.text).toContain('New alert');
  });
});

describe('content notifications', () => {
  const expect0 = { origin: 'https://manage.office.com', tenantId: '3b1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' };
  const n = (over: Record<string, unknown> = {}) => ({
    tenantId: expect0.tenantId,
    contentType: 'Audit.General',
    contentId: '20261203$abc',
    contentUri: 'https://manage.office.com/api/v1.0/3b1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/activity/feed/audit/20261203$abc',
    contentExpiration: '2026-12-10T06:00:00.000Z',
    ...over,
  });
  it('keeps notifications for this tenant whose content is on MANAGEMENT_API_URL', () => {
    expect(readNotifications([n()], expect0)).toMatchObject({
      ok: true,
      items: [{ contentId: '20261203$abc', contentExpiration: '2026-12-10T06:00:00.000Z' }],
    });
  });
  it('refuses the whole request for content elsewhere, another tenant, a missing id or a non-array', () => {
    expect(readNotifications([n(), n({ contentUri: 'https://manage.office.com.evil.example/x' })], expect0)).toMatchObject({ ok: false, status: 422 });
    expect(readNotifications([n({ tenantId: '00000000-0000-4000-8000-000000000000' })], expect0)).toMatchObject({ ok: false, status: 422 });
    expect(readNotifications([n({ contentId: undefined })], expect0)).toMatchObject({ ok: false, status: 422 });
    expect(readNotifications({ value: [] }, expect0)).toMatchObject({ ok: false, status: 422 });
    expect(
      readNotifications(
        Array.from({ length: 501 }, () => n()),
        expect0,
      ),
    ).toMatchObject({ ok: false, status: 413 });
  });
});
