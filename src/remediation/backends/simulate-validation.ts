import { isIP } from 'node:net';
import type { OutboundConnector, ValidationResult, ValidationTask } from './exchange-backend';

/**
 * What the simulated tenant answers for Validate-OutboundConnector, in the per-task shape scripts read from
 * the real cmdlet. It opens no connection and sends no mail, so it must not pretend a real server answered:
 * the result follows only from the connector's own data, the same way every time.
 *
 * 1. Per smart host, the admin center's tasks in order: Resolve, Connection, SMTP EHLO, then TLS when the
 *    connector requires it. A host that cannot exist on the internet fails where a real test would stop:
 *    a reserved name (RFC 2606/6761: .example, .test, .invalid, .localhost) at Resolve, a documentation
 *    address (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) at Connection. Any other host passes.
 * 2. Per recipient, a Send task: it passes when some smart host passed every task, and fails when the
 *    connector is disabled (Microsoft 365 routes no mail through it) or no host passed.
 */
export function simulateValidation(connector: OutboundConnector, recipients: readonly string[]): ValidationResult {
  const tasks: ValidationTask[] = [];
  let anyHostPassed = false;
  for (const host of connector.smartHosts) {
    const hostTasks = hostTasksFor(host, connector.tlsSettings !== null);
    tasks.push(...hostTasks);
    if (hostTasks.every((t) => t.ok)) anyHostPassed = true;
  }
  for (const recipient of recipients) {
    const detail = !connector.enabled
      ? 'Simulated: the connector is disabled, so no test message was sent through it.'
      : anyHostPassed
        ? `Simulated: a test message to ${recipient} was accepted by the smart host. No mail was really sent.`
        : `Simulated: no smart host could take a test message for ${recipient}.`;
    tasks.push({ name: `Send test message to ${recipient}`, ok: connector.enabled && anyHostPassed, detail });
  }
  return { tasks, unrecognised: [], messages: [] };
}

const RESERVED_TLDS = ['example', 'test', 'invalid', 'localhost'];
const DOCUMENTATION_NETS = ['192.0.2.', '198.51.100.', '203.0.113.'];

function hostTasksFor(host: string, tls: boolean): ValidationTask[] {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  const address = isIP(name) !== 0;
  if (!address && RESERVED_TLDS.includes(name.split('.').at(-1) ?? '')) {
    return [{ name: `Resolve ${host}`, ok: false, detail: `Simulated: ${host} is a reserved name (RFC 2606) and never resolves.` }];
  }
  const resolve: ValidationTask = { name: `Resolve ${host}`, ok: true, detail: address ? 'An IP address: nothing to resolve.' : 'Simulated.' };
  if (address && DOCUMENTATION_NETS.some((net) => name.startsWith(net))) {
    return [resolve, { name: `Connection to ${host}:25`, ok: false, detail: `Simulated: ${host} is a documentation address (RFC 5737) and never answers.` }];
  }
  return [
    resolve,
    { name: `Connection to ${host}:25`, ok: true, detail: 'Simulated.' },
    { name: 'SMTP EHLO', ok: true, detail: 'Simulated.' },
    ...(tls ? [{ name: 'TLS', ok: true, detail: 'Simulated.' }] : []),
  ];
}
