/**
 * The Microsoft service endpoints (Graph, the Management Activity API, the Microsoft 365 IP web service) and
 * the Management API webhook's settings, read from the environment for loadConfig().
 */
import type { Config } from './config';

/** GRAPH_API_URL, MANAGEMENT_API_URL and the Management API webhook's settings. */
export function microsoftVars(str: (name: string) => string, backend: string, problems: string[]): Config['microsoft'] {
  const url = (name: string, fallback: string) => {
    const value = (str(name) || fallback).replace(/\/+$/, '');
    if (!isServiceUrl(value)) problems.push(`${name} is "${value}"; use an https:// address (http only for localhost).`);
    return value;
  };
  const alertsAuthId = str('MICROSOFT_ALERTS_AUTH_ID');
  const alertsWebhookUrl = str('MICROSOFT_ALERTS_WEBHOOK_URL');
  const subscribeAtStart = ['true', '1', 'yes'].includes(str('MICROSOFT_ALERTS_SUBSCRIBE').toLowerCase());
  if (alertsAuthId && (alertsAuthId.length < 16 || /\s/.test(alertsAuthId)))
    problems.push('MICROSOFT_ALERTS_AUTH_ID must be at least 16 characters without spaces: it is the secret every notification must carry.');
  if (alertsWebhookUrl && !/^https:\/\/[^/\s]+\/\S*$/.test(alertsWebhookUrl))
    problems.push('MICROSOFT_ALERTS_WEBHOOK_URL must be the https:// address of /api/alerts/microsoft as Microsoft reaches it.');
  if (subscribeAtStart && (backend !== 'exchange-online' || !alertsAuthId || !alertsWebhookUrl))
    problems.push('MICROSOFT_ALERTS_SUBSCRIBE=true needs EXCHANGE_BACKEND=exchange-online, MICROSOFT_ALERTS_AUTH_ID and MICROSOFT_ALERTS_WEBHOOK_URL.');
  return {
    graphApiUrl: url('GRAPH_API_URL', 'https://graph.microsoft.com'),
    managementApiUrl: url('MANAGEMENT_API_URL', 'https://manage.office.com'),
    endpointsUrl: url('M365_ENDPOINTS_URL', 'https://endpoints.office.com'),
    alertsAuthId,
    alertsWebhookUrl,
    subscribeAtStart,
  };
}

function isServiceUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
  } catch {
    return false;
  }
}
