/**
 * Starts the Management Activity API subscription that sends alert policy records to the bot's webhook
 * (POST /api/alerts/microsoft). Records of type 40 come in Audit.General (microsoft-signals.md §1a,
 * inferred: the reference puts every workload without a named blob there). Microsoft answers AF20024 when
 * a subscription is already on: if it points elsewhere it is stopped and started again with this webhook.
 */
import type { GraphClient } from './graph-client';
import { SignalsError } from './signals-source';

export const ALERTS_CONTENT_TYPE = 'Audit.General';
const PURPOSE = { permission: 'ActivityFeed.Read' };

export interface AlertSubscription {
  contentType: string;
  status: string;
  webhook: { address: string; status: string; expiration?: string };
  /** What was done: started now, already pointed here, or moved here from another address. */
  outcome: 'started' | 'already' | 'moved';
}

export async function startAlertSubscription(
  management: GraphClient,
  tenantId: string,
  webhook: { address: string; authId: string },
): Promise<AlertSubscription> {
  const base = management.url(`/api/v1.0/${encodeURIComponent(tenantId)}/activity/feed/subscriptions`);
  const query = `contentType=${ALERTS_CONTENT_TYPE}&PublisherIdentifier=${encodeURIComponent(tenantId)}`;
  const start = async () => read(await management.post(`${base}/start?${query}`, { webhook: { address: webhook.address, authId: webhook.authId } }, PURPOSE));
  try {
    return { ...(await start()), outcome: 'started' };
  } catch (err) {
    if (!(err instanceof SignalsError) || !/AF20024/.test(err.message)) throw err;
  }
  const list = (await management.get(`${base}/list?PublisherIdentifier=${encodeURIComponent(tenantId)}`, PURPOSE)) as unknown[];
  const current = (Array.isArray(list) ? list : []).map((s) => read(s)).find((s) => s.contentType.toLowerCase() === ALERTS_CONTENT_TYPE.toLowerCase());
  if (current && current.webhook.address === webhook.address && current.webhook.status.toLowerCase() !== 'disabled') return { ...current, outcome: 'already' };
  await management.post(`${base}/stop?${query}`, undefined, PURPOSE);
  return { ...(await start()), outcome: 'moved' };
}

function read(raw: unknown): Omit<AlertSubscription, 'outcome'> {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, any>;
  const w = (o.webhook && typeof o.webhook === 'object' ? o.webhook : {}) as Record<string, unknown>;
  return {
    contentType: typeof o.contentType === 'string' ? o.contentType : ALERTS_CONTENT_TYPE,
    status: typeof o.status === 'string' ? o.status : 'unknown',
    webhook: {
      address: typeof w.address === 'string' ? w.address : '',
      status: typeof w.status === 'string' ? w.status : 'unknown',
      ...(typeof w.expiration === 'string' && w.expiration && { expiration: w.expiration }),
    },
  };
}
