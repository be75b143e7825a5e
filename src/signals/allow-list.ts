/**
 * The addresses Microsoft 365 sends from on TCP 25, from the Microsoft 365 IP address and URL web service:
 * the version first (Microsoft: "not rate limited", cache it for an hour), the Exchange endpoints only when
 * the version changed, then the changes since the version the bot had. Kept in the store, so every
 * instance shares one reading and one client request id, and a new version's AddedIp changes are posted
 * once to the subscribed conversations (the instance that writes the new version posts them).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingAlert } from '../alerts/normalise-alert';
import type { Logger } from '../log/logger';
import { updateDocument, type Store } from '../store/store';
import { type AddedIps, readAddedIps, readLatestVersion, readSmtpAddresses } from './m365-endpoints';

export const ALLOW_LIST_TTL_MS = 60 * 60_000;
/** Additions older than this are history, not news: the card lists the recent and the upcoming ones. */
const RECENT_MS = 45 * 24 * 60 * 60_000;
const COLLECTION = 'm365-endpoints';

export interface AllowList {
  version: string;
  /** ISO UTC: when the web service was last asked. */
  checkedAt: string;
  ipv4: string[];
  ipv6: string[];
  added: AddedIps[];
}

export interface AllowListReading {
  list?: AllowList;
  /** Why the web service could not be read now (the list, if any, is the last good one). */
  problem?: string;
}

export interface AllowListDeps {
  store: Store;
  fetch: typeof fetch;
  /** M365_ENDPOINTS_URL */
  baseUrl: string;
  clock: () => Date;
  logger: Logger;
  /** Posts the change notice (the alert outbox). */
  accept(alerts: IncomingAlert[]): Promise<unknown>;
}

export function createAllowList(deps: AllowListDeps) {
  async function clientRequestId(): Promise<string> {
    const { value } = await updateDocument<{ id: string }>(deps.store, COLLECTION, 'client-request-id', (cur) => (cur ? undefined : { id: randomUUID() }));
    return value!.id;
  }

  async function get(path: string, id: string): Promise<unknown> {
    const url = `${deps.baseUrl}${path}${path.includes('?') ? '&' : '?'}clientrequestid=${id}`;
    const res = await deps.fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
    if (!res.ok)
      throw new Error(`the Microsoft 365 IP web service answered ${res.status}${res.status === 429 ? ' (too many requests: it asks to wait an hour)' : ''}`);
    return res.json();
  }

  async function refresh(cached: AllowList | undefined): Promise<AllowList> {
    const id = await clientRequestId();
    const now = deps.clock();
    const latest = readLatestVersion(await get('/version/Worldwide', id));
    if (!latest) throw new Error('the Microsoft 365 IP web service gave no version');
    if (cached?.version === latest) return { ...cached, checkedAt: now.toISOString() };
    const smtp = readSmtpAddresses(await get('/endpoints/Worldwide?ServiceAreas=Exchange', id));
    if (!smtp.ipv4.length) throw new Error('the Microsoft 365 IP web service lists no Exchange addresses on TCP 25');
    const since = cached?.version ?? '0000000000';
    const added = readAddedIps(await get(`/changes/Worldwide/${since}`, id), smtp.setIds).filter((a) => recent(a, now));
    return { version: latest, checkedAt: now.toISOString(), ipv4: smtp.ipv4, ipv6: smtp.ipv6, added };
  }

  return {
    /** The list, from the store when it is less than an hour old, else from the web service. */
    async read(): Promise<AllowListReading> {
      const cached = (await deps.store.get<AllowList>(COLLECTION, 'worldwide'))?.value;
      if (cached && deps.clock().getTime() - Date.parse(cached.checkedAt) < ALLOW_LIST_TTL_MS) return { list: cached };
      let next: AllowList;
      try {
        next = await refresh(cached);
      } catch (err) {
        deps.logger.warn('could not read the Microsoft 365 IP web service', { err: err as Error });
        return { ...(cached && { list: cached }), problem: (err as Error).message };
      }
      let wrote = false;
      await updateDocument<AllowList>(deps.store, COLLECTION, 'worldwide', (cur) => {
        wrote = cur?.version !== next.version;
        return next;
      });
      // A new version, read by this instance first: its additions are news once, and only past the first reading.
      const news = next.added.filter((a) => cached && a.version > cached.version);
      if (wrote && cached && news.length) await deps.accept([changeNotice(next, news)]);
      return { list: next };
    },
  };
}

export type AllowListSource = ReturnType<typeof createAllowList>;

function recent(a: AddedIps, now: Date): boolean {
  const day = /^(\d{4})(\d{2})(\d{2})/.exec(a.version);
  const at = a.effectiveDate ? Date.parse(a.effectiveDate) : day ? Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : NaN;
  return Number.isNaN(at) || now.getTime() - at < RECENT_MS;
}

function changeNotice(list: AllowList, news: AddedIps[]): IncomingAlert {
  return {
    source: 'm365-endpoints',
    externalId: list.version,
    status: 'firing',
    title: `Microsoft 365 sends mail from new addresses (version ${list.version})`,
    text: '',
    endpoints: { version: list.version, added: news },
  };
}
