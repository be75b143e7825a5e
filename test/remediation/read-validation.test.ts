import { describe, expect, it } from 'vitest';
import { readValidation } from '../../src/remediation/backends/read-validation';
import { simulateValidation } from '../../src/remediation/backends/simulate-validation';
import { SAMPLE_TENANT } from '../../src/remediation/backends/simulated-exchange';

describe("reading Validate-OutboundConnector's undocumented output", () => {
  it('reads the per-task objects scripts use (TaskName, IsTaskSuccessful) with their details', () => {
    const result = readValidation([
      { TaskName: 'Resolve', IsTaskSuccessful: true, Details: 'Resolved mail.contoso.com' },
      { TaskName: 'SMTP EHLO', IsTaskSuccessful: false, Error: { Message: '421 4.7.0 Too many connections' } },
    ]);
    expect(result.tasks).toEqual([
      { name: 'Resolve', ok: true, detail: 'Resolved mail.contoso.com' },
      { name: 'SMTP EHLO', ok: false, detail: '421 4.7.0 Too many connections' },
    ]);
    expect(result.unrecognised).toEqual([]);
  });

  it('accepts success flags as strings, 0/1 and status words, in any key case, and says unknown otherwise', () => {
    const { tasks } = readValidation([
      { taskname: 'Connection', istasksuccessful: 'False', message: 'timed out' },
      { TaskName: 'Send', Status: 'Succeeded' },
      { TaskName: 'TLS', IsTaskSuccessful: 1 },
      { TaskName: 'Mystery', IsTaskSuccessful: 'Maybe' },
    ]);
    expect(tasks.map((t) => t.ok)).toEqual([false, true, true, null]);
    expect(tasks[0]!.detail).toBe('timed out');
  });

  it('keeps extra properties of a task without details, as they came', () => {
    const { tasks } = readValidation([{ TaskName: 'Connection', IsTaskSuccessful: false, RemoteEndpoint: '203.0.113.5:25', '@odata.type': '#x' }]);
    expect(tasks[0]!.detail).toBe('{"RemoteEndpoint":"203.0.113.5:25"}');
  });

  it('reads through one object wrapping the task list', () => {
    const { tasks } = readValidation([{ Identity: 'X', Tasks: [{ TaskName: 'Resolve', IsTaskSuccessful: true }] }]);
    expect(tasks).toEqual([{ name: 'Resolve', ok: true, detail: '' }]);
  });

  it('keeps anything it does not recognise verbatim and bounded, instead of dropping it', () => {
    const result = readValidation(
      ['Resolve task failed', { Name: 'Outbound to on-premises', Enabled: true }, 42, { Blob: 'x'.repeat(5000) }],
      ['warning: slow'],
    );
    expect(result.tasks).toEqual([]);
    expect(result.unrecognised[0]).toBe('Resolve task failed');
    expect(result.unrecognised[1]).toBe('{"Name":"Outbound to on-premises","Enabled":true}');
    expect(result.unrecognised[2]).toBe('42');
    expect(result.unrecognised[3]!.length).toBeLessThanOrEqual(1500);
    expect(result.messages).toEqual(['warning: slow']);
  });

  it('bounds a huge answer', () => {
    const result = readValidation(Array.from({ length: 500 }, (_, i) => ({ TaskName: `T${i}`, IsTaskSuccessful: true })));
    expect(result.tasks.length).toBe(40);
  });
});

describe('the simulated tenant validating a connector', () => {
  it('fails a documentation address at Connection, passes a real-looking host, and sends to each recipient', () => {
    const contoso = SAMPLE_TENANT.connectors[0]!;
    const { tasks } = simulateValidation(contoso, ['postmaster@contoso.com']);
    expect(tasks.find((t) => t.name === 'Connection to 203.0.113.5:25')?.ok).toBe(false);
    expect(tasks.find((t) => t.name === 'Connection to mail.contoso.com:25')?.ok).toBe(true);
    expect(tasks.at(-1)).toMatchObject({ name: 'Send test message to postmaster@contoso.com', ok: true });
  });

  it('sends nothing through a disabled connector', () => {
    const disabled = { ...SAMPLE_TENANT.connectors[1]!, enabled: false };
    expect(simulateValidation(disabled, ['a@fabrikam.com']).tasks.at(-1)?.ok).toBe(false);
  });
});
