/**
 * The Management Activity API's webhook notifications, read and checked. Pure.
 *
 * A notification is a JSON array of `{tenantId, clientId, contentType, contentId, contentUri,
 * contentCreated, contentExpiration}` (manage.office.com reference, "Receiving notifications"). The
 * contentUri is fetched later with the bot's token, so it must point at MANAGEMENT_API_URL: a URI
 * elsewhere would carry the token away.
 */
export interface ContentNotification {
  contentId: string;
  contentUri: string;
  contentType: string;
  /** ISO UTC; Microsoft keeps the blob until then (7 days), so retries stop there. */
  contentExpiration?: string;
}

export type ReadNotifications = { ok: true; items: ContentNotification[] } | { ok: false; status: 400 | 413 | 422; message: string };

/** Blobs named in one notification at most; Microsoft sends a few per call. */
export const MAX_NOTIFICATIONS = 500;
const MAX_ID = 300;

export function readNotifications(body: unknown, expect: { origin: string; tenantId: string }): ReadNotifications {
  if (!Array.isArray(body)) return { ok: false, status: 422, message: 'Expected a JSON array of content notifications, as the Management Activity API sends.' };
  if (body.length > MAX_NOTIFICATIONS)
    return { ok: false, status: 413, message: `The notification names ${body.length} content blobs; at most ${MAX_NOTIFICATIONS} are taken at once.` };
  const items: ContentNotification[] = [];
  for (const [i, n] of body.entries()) {
    const o = (n && typeof n === 'object' ? n : {}) as Record<string, unknown>;
    const contentId = typeof o.contentId === 'string' ? o.contentId.trim() : '';
    const contentUri = typeof o.contentUri === 'string' ? o.contentUri.trim() : '';
    if (!contentId || contentId.length > MAX_ID || !contentUri)
      return { ok: false, status: 422, message: `Notification ${i + 1} has no contentId or contentUri; none of them was kept.` };
    let uri: URL;
    try {
      uri = new URL(contentUri);
    } catch {
      return { ok: false, status: 422, message: `Notification ${i + 1} has a contentUri that is not a URL; none of them was kept.` };
    }
    if (uri.origin !== expect.origin)
      return { ok: false, status: 422, message: `Notification ${i + 1} points at ${uri.origin}, not at MANAGEMENT_API_URL; none of them was kept.` };
    // A notification for another tenant is someone else's subscription pointed at this bot.
    if (typeof o.tenantId === 'string' && GUID.test(expect.tenantId) && o.tenantId.toLowerCase() !== expect.tenantId.toLowerCase())
      return { ok: false, status: 422, message: `Notification ${i + 1} is for another tenant; none of them was kept.` };
    items.push({
      contentId,
      contentUri: uri.toString(),
      contentType: typeof o.contentType === 'string' ? o.contentType.slice(0, 60) : 'Audit.General',
      ...(typeof o.contentExpiration === 'string' &&
        !Number.isNaN(Date.parse(o.contentExpiration)) && {
          contentExpiration: new Date(o.contentExpiration).toISOString(),
        }),
    });
  }
  return { ok: true, items };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
