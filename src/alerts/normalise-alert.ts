/**
 * Webhook payload formats → alerts. Pure. Each alert keeps its text for the same parser as chat.
 * Formats: text/plain; JSON with text|message|error|body; Prometheus Alertmanager webhook v4;
 * Azure Monitor common alert schema; Microsoft Graph change notifications (and their validation) and
 * security alerts (alerts_v2). Each alert is titled by its own name or summary, never by its raw text.
 */
import type { ConnectorFinding } from '../signals/connector-findings';
import type { AddedIps } from '../signals/m365-endpoints';
import type { QueueGroup } from '../signals/read-queue';
import type { HealthIssue } from '../signals/signals-source';
import { type AlertCounts, countsOf } from './alert-counts';
import { nestsDeeperThan } from './json-depth';
import { readMessageCard, readWorkflowCard, type ReadCard, type SenderCard } from './sender-card';
import { senderTime } from './sender-time';

export interface IncomingAlert {
  /** The webhook formats below, and the bot's own watch ('queue-watch', 'microsoft-incident'). */
  source:
    | 'text'
    | 'json'
    | 'alertmanager'
    | 'azure-monitor'
    | 'graph'
    | 'graph-security-alert'
    | 'teams-workflow'
    | 'message-card'
    | 'queue-watch'
    | 'microsoft-incident'
    | 'connector-watch'
    | 'microsoft-alert'
    | 'm365-endpoints';
  /** The sender's own id for this alert (Alertmanager fingerprint, Azure alertId), to match its resolution. */
  externalId?: string;
  status: 'firing' | 'resolved';
  title: string;
  /** What the parser reads for delivery error codes. */
  text: string;
  severity?: string;
  /** When the sender says it started (Alertmanager startsAt, Azure firedDateTime, Graph createdDateTime), ISO UTC. */
  startedAt?: string;
  /** When the sender says it resolved; only on a resolved alert (a firing one's end is zero or a guess). */
  endedAt?: string;
  counts?: AlertCounts;
  link?: string;
  /** The watch's reading of one destination's queue (source 'queue-watch'). */
  queue?: QueueGroup;
  /** The service health issue as Microsoft last described it (source 'microsoft-incident'). */
  incident?: HealthIssue;
  /** What the connector watch found (source 'connector-watch'). */
  finding?: ConnectorFinding;
  /** The card a monitoring system sent for Teams (sources 'teams-workflow', 'message-card'), cleaned. */
  card?: SenderCard;
  /** New addresses Microsoft 365 will send from (source 'm365-endpoints'). */
  endpoints?: { version: string; added: AddedIps[] };
  /** A Microsoft 365 alert policy's alert as its latest record says (source 'microsoft-alert'). */
  microsoftAlert?: MicrosoftAlert;
}

/** The fields of an alert policy record a card shows (signals/management-alerts.ts). */
export interface MicrosoftAlert {
  alertId: string;
  name: string;
  /** Microsoft's words: Active, Investigating, Resolved, Dismissed */
  status: string;
  severity?: string;
  policyId?: string;
  comments?: string;
  /** The record's CreationTime, ISO UTC */
  updatedAt?: string;
  /** The whole queue when the alert came (the destination's own group, when matched, is the alert's `queue`). */
  pending?: { messages: number; destinations: number; checkedAt: string };
}

export type Normalised =
  | { kind: 'alerts'; alerts: IncomingAlert[] }
  | { kind: 'validation'; token: string }
  | { kind: 'error'; status: 400 | 413 | 415 | 422; message: string };

/** Alerts in one request at most; a payload with more is refused whole (413), so what is answered 202 is all kept. */
export const MAX_ALERTS = 500;
/** Nesting of a JSON alert at most; real payloads (Azure Monitor's alertContext) stay under ten levels. */
export const MAX_JSON_DEPTH = 64;
const MAX_TEXT = 64 * 1024;

export function normaliseAlert(contentType: string, raw: Buffer, query: URLSearchParams): Normalised {
  // Graph subscription validation: POST ?validationToken=... → echo it as text/plain within 10 s.
  const validationToken = query.get('validationToken');
  if (validationToken !== null) return { kind: 'validation', token: validationToken };

  const text = raw.toString('utf8');
  if (!text.trim()) return { kind: 'error', status: 400, message: 'The body is empty: send alert text, or JSON.' };
  const type = contentType.toLowerCase();
  if (!type.includes('json')) {
    if (type && !type.startsWith('text/') && !type.includes('x-www-form-urlencoded')) {
      return { kind: 'error', status: 415, message: `Content-Type ${contentType} is not accepted: send text/plain or application/json.` };
    }
    return { kind: 'alerts', alerts: [plain('text', firstLine(text), text, [])] };
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return { kind: 'error', status: 422, message: `The JSON is nested more than ${MAX_JSON_DEPTH} levels deep; no alert format needs that many.` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { kind: 'error', status: 400, message: `The body is not valid JSON: ${(err as Error).message.slice(0, 200)}` };
  }
  if (!json || typeof json !== 'object') return unknownShape();
  const o = json as Record<string, any>;

  for (const format of Object.values(jsonFormats)) {
    if (format.matches(o)) return format.read(o);
  }
  return unknownShape();
}

/** A JSON alert format: how to recognise its payload, what it is called in the 422 answer, and how to read it. */
interface JsonFormat {
  matches(o: Record<string, any>): boolean;
  expected: string;
  read(o: Record<string, any>): Normalised;
}

/**
 * Every JSON alert format, in one table, tried in order (the generic {"text": …} shape last). Adding one: a
 * row here, its source in IncomingAlert['source'], its display name in render/alert-card.ts, its tests.
 */
const jsonFormats = {
  alertmanager: {
    matches: (o) => o.version === '4' && Array.isArray(o.alerts),
    expected: 'a Prometheus Alertmanager webhook (version "4")',
    read: alertmanager,
  },
  'azure-monitor': {
    matches: (o) => o.schemaId === 'azureMonitorCommonAlertSchema' && !!o.data?.essentials,
    expected: 'an Azure Monitor common alert schema payload (schemaId "azureMonitorCommonAlertSchema")',
    read: azureMonitor,
  },
  graph: {
    matches: (o) => Array.isArray(o.value) && o.value.every((v: any) => v && typeof v === 'object' && ('changeType' in v || 'subscriptionId' in v)),
    expected: 'a Microsoft Graph change notification ({"value": [...]})',
    read: (o) => graph(o.value),
  },
  'graph-security-alert': {
    // One alert as GET /security/alerts_v2/{id} returns it, or a page of them ({"value": [...]}) as the list does.
    matches: (o) => isGraphSecurityAlert(o) || (Array.isArray(o.value) && o.value.length > 0 && o.value.every(isGraphSecurityAlert)),
    expected: 'a Microsoft Graph security alert (alerts_v2), or {"value": [...]} of them',
    read: (o) => graphSecurityAlerts(Array.isArray(o.value) ? o.value : [o]),
  },
  'teams-workflow': {
    // What Teams Workflows' "When a Teams webhook request is received" takes, so its senders can point here.
    matches: (o) => o.type === 'message' && Array.isArray(o.attachments),
    expected: 'a Teams Workflows message ({"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{…}}]})',
    read: (o) => fromCard('teams-workflow', readWorkflowCard(o)),
  },
  'message-card': {
    // The retired Office 365 connectors' format.
    matches: (o) => o['@type'] === 'MessageCard' || (typeof o['@context'] === 'string' && o['@context'].includes('schema.org/extensions')),
    expected: 'an Office 365 connector MessageCard ({"@type":"MessageCard", …})',
    read: (o) => fromCard('message-card', readMessageCard(o)),
  },
  json: {
    matches: (o) => TEXT_FIELDS.some((field) => typeof o[field] === 'string' && o[field].trim()),
    expected: '{"text": "..."} (or "message", "error", "body"; optional "title", "name" or "summary")',
    read(o) {
      const field = TEXT_FIELDS.find((f) => typeof o[f] === 'string' && o[f].trim()) ?? 'text';
      const named = TITLE_FIELDS.map((f) => o[f]).find((v): v is string => typeof v === 'string' && !!v.trim());
      return { kind: 'alerts', alerts: [plain('json', named ? firstLine(named) : firstLine(o[field]), o[field], [o])] };
    },
  },
} satisfies Record<Exclude<IncomingAlert['source'], 'text' | WatchSource>, JsonFormat>;

/** Alerts the bot raises itself or reads from Microsoft's own route (/api/alerts/microsoft), never from /api/alerts. */
export type WatchSource = 'queue-watch' | 'microsoft-incident' | 'connector-watch' | 'microsoft-alert' | 'm365-endpoints';

const TEXT_FIELDS = ['text', 'message', 'error', 'body'] as const;
/** What a generic JSON alert calls itself, in order of preference; its text's first line when none. */
const TITLE_FIELDS = ['title', 'name', 'summary'] as const;

function unknownShape(): Normalised {
  const expected = Object.values(jsonFormats).map((f) => f.expected);
  return {
    kind: 'error',
    status: 422,
    message: `Unrecognised JSON. Expected one of: ${expected.join('; ')}; or send text/plain.`,
  };
}

/** A text or generic JSON alert: `fields` are the JSON object whose count fields it may carry. */
function plain(source: 'text' | 'json', title: string, text: string, fields: unknown[]): IncomingAlert {
  const counts = countsOf(fields, text);
  return { source, status: 'firing', title: clip(title, 200), text: clip(text, MAX_TEXT), ...(counts && { counts }) };
}

/** The 413 for a payload with more alerts than one request may carry; `advice` says how the sender splits it. */
function tooManyAlerts(count: number, advice: string): Normalised {
  return {
    kind: 'error',
    status: 413,
    message: `The payload holds ${count} alerts; at most ${MAX_ALERTS} are accepted in one request, so none of them was kept. ${advice}`,
  };
}

function alertmanager(o: Record<string, any>): Normalised {
  if (o.alerts.length > MAX_ALERTS) {
    return tooManyAlerts(
      o.alerts.length,
      `Group them more finely in Alertmanager (group_by), or set max_alerts: ${MAX_ALERTS} in its webhook_config (it then sends the first ${MAX_ALERTS} and counts the rest in truncatedAlerts).`,
    );
  }
  const alerts: IncomingAlert[] = o.alerts.map((a: any) => {
    const labels = (a?.labels ?? {}) as Record<string, string>;
    const ann = (a?.annotations ?? {}) as Record<string, string>;
    const parts = [ann.summary, ann.description, ann.message, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)].filter(Boolean);
    const text = parts.join('\n');
    const status = a?.status === 'resolved' ? ('resolved' as const) : ('firing' as const);
    const counts = countsOf([ann, labels], text);
    return {
      source: 'alertmanager' as const,
      externalId: typeof a?.fingerprint === 'string' ? a.fingerprint : undefined,
      status,
      title: alertmanagerTitle(labels.alertname, ann.summary),
      text: clip(text, MAX_TEXT),
      severity: labels.severity === undefined ? undefined : String(labels.severity),
      startedAt: senderTime(a?.startsAt),
      // A firing alert's endsAt is zero (dispatch.go) or, from older senders, a guess at when it will end.
      endedAt: status === 'resolved' ? senderTime(a?.endsAt) : undefined,
      ...(counts && { counts }),
      link: typeof a?.generatorURL === 'string' ? a.generatorURL : undefined,
    };
  });
  if (!alerts.length) return { kind: 'error', status: 422, message: 'The Alertmanager payload has no alerts.' };
  return { kind: 'alerts', alerts };
}

/** "InstanceDown: Instance node-a:9100 down": the rule's name, then its summary unless that already says it. */
function alertmanagerTitle(alertname: unknown, summary: unknown): string {
  const name = typeof alertname === 'string' ? firstLine(alertname, '') : '';
  const said = typeof summary === 'string' ? firstLine(summary, '') : '';
  if (name && said && !said.toLowerCase().includes(name.toLowerCase())) return clip(`${name}: ${said}`, 200);
  return said || name || 'Alertmanager alert';
}

function azureMonitor(o: Record<string, any>): Normalised {
  const e = o.data.essentials as Record<string, any>;
  const context = o.data.alertContext ? JSON.stringify(o.data.alertContext).slice(0, 4000) : '';
  const text = [e.alertRule, e.description, e.signalType && `signal: ${e.signalType}`, (e.configurationItems ?? []).join(', '), context]
    .filter(Boolean)
    .join('\n');
  const resolved = e.monitorCondition === 'Resolved';
  const counts = countsOf([o.data.customProperties], text);
  const named = [e.alertRule, e.description].find((v): v is string => typeof v === 'string' && !!v.trim());
  return {
    kind: 'alerts',
    alerts: [
      {
        source: 'azure-monitor',
        externalId: typeof e.alertId === 'string' ? e.alertId : undefined,
        status: resolved ? 'resolved' : 'firing',
        title: named ? firstLine(named) : 'Azure Monitor alert',
        text: clip(text, MAX_TEXT),
        severity: e.severity === undefined || e.severity === null ? undefined : String(e.severity),
        startedAt: senderTime(e.firedDateTime),
        // Microsoft's own sample fills resolvedDateTime on a Fired alert: the condition decides, not the field.
        endedAt: resolved ? senderTime(e.resolvedDateTime) : undefined,
        ...(counts && { counts }),
        link: typeof e.investigationLink === 'string' ? e.investigationLink : undefined,
      },
    ],
  };
}

function fromCard(source: 'teams-workflow' | 'message-card', read: ReadCard): Normalised {
  if (!read.ok) return { kind: 'error', status: read.status, message: read.message };
  const counts = countsOf([], read.text);
  return {
    kind: 'alerts',
    alerts: [{ source, status: 'firing', title: read.title, text: clip(read.text, MAX_TEXT), ...(counts && { counts }), card: read.card }],
  };
}

function graph(values: any[]): Normalised {
  if (values.length > MAX_ALERTS) return tooManyAlerts(values.length, 'Send the notifications in smaller batches.');
  return {
    kind: 'alerts',
    alerts: values.map((v) => ({
      source: 'graph' as const,
      externalId: typeof v.id === 'string' ? v.id : undefined,
      status: 'firing' as const,
      title: clip(`Microsoft Graph: ${v.changeType ?? 'change'} ${v.resource ?? ''}`.trim(), 200),
      text: clip([v.changeType, v.resource, v.resourceData ? JSON.stringify(v.resourceData).slice(0, 4000) : ''].filter(Boolean).join('\n'), MAX_TEXT),
    })),
  };
}

/** A security alert as alerts_v2 returns it: its OData type, else a title with the fields only it has. */
function isGraphSecurityAlert(v: unknown): boolean {
  if (!v || typeof v !== 'object') return false;
  const a = v as Record<string, unknown>;
  if (typeof a['@odata.type'] === 'string') return a['@odata.type'].toLowerCase() === '#microsoft.graph.security.alert';
  return typeof a.title === 'string' && typeof a.createdDateTime === 'string' && ('providerAlertId' in a || 'serviceSource' in a || 'alertWebUrl' in a);
}

/** alerts_v2 fields: status unknown|new|inProgress|resolved; resolvedDateTime, or lastUpdateDateTime for a resolved one without it. */
function graphSecurityAlerts(values: Array<Record<string, unknown>>): Normalised {
  if (values.length > MAX_ALERTS) return tooManyAlerts(values.length, 'Send the alerts in smaller batches.');
  return {
    kind: 'alerts',
    alerts: values.map((a): IncomingAlert => {
      const resolved = typeof a.status === 'string' && a.status.toLowerCase() === 'resolved';
      const text = [a.title, a.description, typeof a.category === 'string' && `category: ${a.category}`].filter((p) => typeof p === 'string' && p).join('\n');
      const counts = countsOf([], text);
      return {
        source: 'graph-security-alert',
        externalId: typeof a.id === 'string' ? a.id : undefined,
        status: resolved ? 'resolved' : 'firing',
        title: firstLine(a.title, 'Microsoft Graph security alert'),
        text: clip(text, MAX_TEXT),
        severity: typeof a.severity === 'string' ? a.severity : undefined,
        startedAt: senderTime(a.createdDateTime),
        endedAt: resolved ? (senderTime(a.resolvedDateTime) ?? senderTime(a.lastUpdateDateTime)) : undefined,
        ...(counts && { counts }),
        link: typeof a.alertWebUrl === 'string' ? a.alertWebUrl : undefined,
      };
    }),
  };
}

/** The first line that has words, its runs of spaces made one: a title, not the text it heads. */
function firstLine(text: unknown, fallback = 'Alert'): string {
  if (typeof text !== 'string') return fallback;
  const line = text
    .slice(0, MAX_TEXT)
    .split('\n')
    .find((l) => l.trim());
  return clip((line ?? '').replace(/\s+/g, ' ').trim(), 200) || fallback;
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
