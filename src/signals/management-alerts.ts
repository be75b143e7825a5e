/**
 * Alert policy records from the Office 365 Management Activity API → alerts. Pure.
 *
 * Schema (office-365-management-activity-api-schema, "Security and Compliance Alerts"): RecordType 40,
 * UserId SecurityComplianceAlerts, Operation AlertTriggered | AlertEntityGenerated | AlertUpdated, fields
 * AlertId, Name, Status (Active|Investigating|Resolved|Dismissed), Severity, Category (… MailFlow …),
 * Comments and Data (a JSON string whose keys are short and undocumented). No real "Messages have been
 * delayed" record is published, so everything past those names is read leniently.
 */
import type { IncomingAlert } from '../alerts/normalise-alert';
import { countsOf } from '../alerts/alert-counts';
import { senderTime } from '../alerts/sender-time';

/** Where an admin opens the alert: the Defender portal's alert queue (records carry no link of their own). */
export const DEFENDER_ALERTS_URL = 'https://security.microsoft.com/alerts';

const ALERT_RECORD_TYPE = 40;
const OPERATIONS = new Set(['alerttriggered', 'alertupdated']);
const CLOSED = new Set(['resolved', 'dismissed']);
const MAX_TEXT = 16 * 1024;
const MAX_DATA_VALUES = 60;

/**
 * The mail-flow alert records among `records` (a content blob: a JSON array of audit records of every
 * workload), one alert per record, in the order Microsoft wrote them. Entity records (one per user or
 * message) carry no status and are left out: the alert's own records say what the admin must know.
 */
export function readManagementAlerts(records: unknown): IncomingAlert[] {
  if (!Array.isArray(records)) return [];
  const out: IncomingAlert[] = [];
  for (const r of records) {
    if (!r || typeof r !== 'object') continue;
    const alert = readRecord(r as Record<string, unknown>);
    if (alert) out.push(alert);
  }
  return out;
}

function readRecord(r: Record<string, unknown>): IncomingAlert | undefined {
  if (Number(r.RecordType) !== ALERT_RECORD_TYPE && r.RecordType !== 'SecurityComplianceAlerts') return undefined;
  if (typeof r.Operation !== 'string' || !OPERATIONS.has(r.Operation.toLowerCase())) return undefined;
  if (typeof r.Category !== 'string' || r.Category.replace(/[\s_-]/g, '').toLowerCase() !== 'mailflow') return undefined;
  const alertId = str(r.AlertId);
  if (!alertId) return undefined;
  const data = readData(r.Data);
  const name = str(r.Name) || str(data?.an) || 'Microsoft 365 alert';
  const status = str(r.Status);
  const closed = CLOSED.has(status.toLowerCase());
  const dataLines = data ? dataValues(data) : [];
  const text = [name, str(r.Comments), ...dataLines].filter(Boolean).join('\n').slice(0, MAX_TEXT);
  const counts = countsOf(data ? [data] : [], text);
  const at = senderTime(r.CreationTime);
  return {
    source: 'microsoft-alert',
    externalId: alertId,
    status: closed ? 'resolved' : 'firing',
    title: name.replace(/\s+/g, ' ').trim().slice(0, 200),
    text,
    ...(str(r.Severity) && { severity: str(r.Severity) }),
    ...(at && !closed && { startedAt: at }),
    ...(at && closed && { endedAt: at }),
    ...(counts && { counts }),
    link: DEFENDER_ALERTS_URL,
    microsoftAlert: {
      alertId,
      name: name.slice(0, 300),
      status: status.slice(0, 40) || 'Active',
      ...(str(r.Severity) && { severity: str(r.Severity).slice(0, 40) }),
      ...(str(r.PolicyId) && { policyId: str(r.PolicyId).slice(0, 100) }),
      ...(str(r.Comments) && { comments: str(r.Comments).slice(0, 1000) }),
      ...(at && { updatedAt: at }),
    },
  };
}

/** `Data` is a JSON string (sometimes an object already); anything else is no data. */
function readData(raw: unknown): Record<string, unknown> | undefined {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw !== 'string' || raw.length > 64 * 1024) return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Data's scalar values as `key: value` lines, for the paste parser (a server, a code, a count may be there). */
function dataValues(data: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (lines.length >= MAX_DATA_VALUES) break;
    if (typeof value === 'string' && value.trim()) lines.push(`${key}: ${value.slice(0, 2000)}`);
    else if (typeof value === 'number' && Number.isFinite(value)) lines.push(`${key}: ${value}`);
  }
  return lines;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}
