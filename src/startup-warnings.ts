import type { Config } from './config';

/** What start-up says about risky or notable settings, one line each. */
export function startupWarnings(config: Config): string[] {
  const lines: string[] = [];
  if (config.localMode) {
    lines.push(
      'Local mode: MicrosoftAppId is empty, so requests to /api/messages are NOT authenticated (as with the Bot Framework Emulator). Set MicrosoftAppId and MicrosoftAppPassword before exposing this port.',
    );
  }
  if (config.playground && !config.localMode) {
    lines.push(
      'PLAYGROUND=true with MicrosoftAppId set: the playground page and its tenant and audit views (GET /, /playground/*) are served WITHOUT authentication to anyone who can reach this port. Unset PLAYGROUND unless this port is private.',
    );
  }
  if (config.localMode && config.exchangeBackend === 'exchange-online') {
    lines.push(
      'DANGEROUSLY_ALLOW_UNAUTHENTICATED_REMEDIATION=true: the real tenant can be changed through an unauthenticated endpoint. Use this only on a private test machine.',
    );
  }
  if (config.localMode && config.host !== '127.0.0.1' && config.host !== '::1' && config.host !== 'localhost') {
    lines.push(`HOST=${config.host} in local mode: the unauthenticated bot is reachable from other machines.`);
  }
  if (config.remediationDryRun) lines.push('REMEDIATION_DRY_RUN=true: Fix now shows what it would call and changes nothing.');
  if (config.exchangeBackend === 'exchange-online') {
    lines.push(
      `EXCHANGE_BACKEND=exchange-online: Fix now changes the real tenant ${config.exchangeOnline!.tenantId} through ${config.exchangeOnline!.adminApiUrl}.`,
    );
  }
  if (!config.alerts.token) {
    lines.push(
      'ALERT_WEBHOOK_TOKEN is not set: POST /api/alerts accepts only programs on this machine: loopback senders whose requests carry no Origin, Sec-Fetch-Site, Forwarded, X-Forwarded-For or X-Real-IP header and are not form posts (no web page, nothing through a proxy). Set it to accept monitoring systems elsewhere.',
    );
  }
  if (config.microsoft.alertsAuthId && config.exchangeBackend !== 'exchange-online') {
    lines.push(
      'MICROSOFT_ALERTS_AUTH_ID is set, but the simulated tenant has no Management Activity API to fetch alerts from: POST /api/alerts/microsoft refuses every notification (403). Set EXCHANGE_BACKEND=exchange-online to take them.',
    );
  }
  if (config.probe.allowPrivate) {
    lines.push('PROBE_ALLOW_PRIVATE=true: diagnostics may connect to private, loopback and link-local addresses (meant for on-premises networks).');
  }
  if (config.probe.ports === '*') lines.push('PROBE_PORTS=*: diagnostics may connect to any port.');
  if (config.adminUsers === '*') {
    lines.push(
      config.localMode
        ? 'Every user is an admin (local mode default): Fix now, Undo and subscriptions are open to all. Set ADMIN_USERS to Entra object ids to restrict them.'
        : 'ADMIN_USERS=* : every user who can reach the bot may change Exchange settings with Fix now.',
    );
  } else if (config.adminUsers.length === 0) {
    lines.push('Nobody is an admin: ADMIN_USERS is empty, so Fix now, Undo and subscriptions are refused. Set it to comma-separated Entra object ids (or *).');
  }
  if (!config.localMode && config.allowedTenants === '*') {
    lines.push('ALLOWED_TENANTS=* : activities from every Microsoft 365 organization are served.');
  }
  return lines;
}
