/**
 * `queue` and `health`: the tenant's stuck mail from the message trace, and Microsoft's open Exchange
 * Online incidents. Graph's refusals (a missing permission, throttling) are answered in plain words.
 */
import type { KnowledgeBase, Locale } from '../knowledge/load-knowledge';
import type { ParsedError } from '../parse/types';
import type { OutboundConnector } from '../remediation/backends/exchange-backend';
import { queueCardData } from '../render/queue-card';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import { escapeMarkdown, fill, formatUtc, truncate } from '../render/text';
import type { UiCatalog, UiStrings } from '../render/ui-strings';
import type { ConnectorWatchResult } from '../signals/connector-watch';
import { openExchangeIssues } from '../signals/incidents';
import { readQueue } from '../signals/read-queue';
import type { HealthIssue, SignalsSource } from '../signals/signals-source';

export interface SignalCommandDeps {
  knowledge: KnowledgeBase;
  ui: UiCatalog;
  renderCard: RenderCard;
  now: () => Date;
  signals: SignalsSource;
  connectors(): Promise<OutboundConnector[]>;
  parse(text: string): ParsedError[];
  readIncidents(): Promise<HealthIssue[]>;
  /** A Graph refusal (missing permission, throttling) as a card in plain words. */
  problemCard(err: unknown, locale: Locale): AdaptiveCard;
  /** The connector watch's latest reading, whichever instance made it. */
  connectorWatch(): Promise<ConnectorWatchResult | undefined>;
  watch: { enabled: boolean; connectorIntervalMs: number };
}

const HOUR = 3_600_000;
/** Graph keeps 90 days of message trace. */
const MAX_WINDOW_MS = 90 * 24 * HOUR;
const WINDOW_ARG = /^(\d{1,4})\s*(h|d)$/i;

/** "" → 48 h; "12h", "7d" → that; anything else (or beyond 90 days) → undefined. */
export function queueWindow(args: string): { ms: number; n: number; unit: 'h' | 'd' } | undefined {
  const a = args.trim();
  if (!a) return { ms: 48 * HOUR, n: 48, unit: 'h' };
  const m = WINDOW_ARG.exec(a);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase() as 'h' | 'd';
  const ms = n * (unit === 'd' ? 24 * HOUR : HOUR);
  return n > 0 && ms <= MAX_WINDOW_MS ? { ms, n, unit } : undefined;
}

export async function queueCommand(args: string, locale: Locale, deps: SignalCommandDeps): Promise<AdaptiveCard[]> {
  const ui = deps.ui[locale];
  const window = queueWindow(args);
  if (!window)
    return [deps.renderCard('notice', { title: escapeMarkdown(ui['queue.badWindowTitle']), text: escapeMarkdown(ui['queue.badWindow']), color: 'warning' })];
  try {
    const [reading, incidents] = await Promise.all([
      readQueue({ source: deps.signals, connectors: deps.connectors, parse: deps.parse, now: deps.now }, window.ms),
      deps.readIncidents(),
    ]);
    const label = fill(window.unit === 'd' ? ui['queue.unitDays'] : ui['queue.unitHours'], { n: window.n });
    return [deps.renderCard('queue', queueCardData(reading, incidents, ui, deps.now(), label))];
  } catch (err) {
    return [deps.problemCard(err, locale)];
  }
}

export async function healthCommand(locale: Locale, deps: SignalCommandDeps): Promise<AdaptiveCard[]> {
  const ui = deps.ui[locale];
  try {
    const open = openExchangeIssues(await deps.signals.serviceHealthIssues());
    const at = formatUtc(deps.now().toISOString());
    const text = open.length ? open.map((i) => issueText(i, ui)).join('\r\r') : escapeMarkdown(fill(ui['health.none'], { at }));
    return [deps.renderCard('notice', { title: escapeMarkdown(ui['health.title']), text, color: open.length ? 'warning' : 'good' })];
  } catch (err) {
    return [deps.problemCard(err, locale)];
  }
}

/** One issue: its id and state, title, impact and latest post, escaped (Microsoft's text is shown, not rendered). */
function issueText(i: HealthIssue, ui: UiStrings): string {
  const head = fill(ui['health.issue'], { id: i.id, classification: i.classification, status: i.status, since: formatUtc(i.startDateTime) });
  const lines = [`**${escapeMarkdown(head)}**`, escapeMarkdown(truncate(i.title, 300))];
  if (i.impactDescription) lines.push(escapeMarkdown(truncate(i.impactDescription, 600)));
  if (i.latestPost)
    lines.push(
      `${escapeMarkdown(fill(ui['health.latest'], { at: formatUtc(i.latestPost.createdDateTime) }))} ${escapeMarkdown(truncate(i.latestPost.text, 800))}`,
    );
  return lines.join('\r');
}

/** `watch`: the latest connector check, per connector and smart host, in words. */
export async function watchCommand(locale: Locale, deps: SignalCommandDeps): Promise<AdaptiveCard[]> {
  const ui = deps.ui[locale];
  const interval = fill(ui.unitMinutes, { n: Math.max(1, Math.round(deps.watch.connectorIntervalMs / 60_000)) });
  const latest = await deps.connectorWatch();
  const notice = (text: string, color: 'default' | 'good' | 'warning' | 'attention') => [
    deps.renderCard('notice', { title: escapeMarkdown(ui['watch.title']), text, color }),
  ];
  if (!deps.watch.enabled && !latest) return notice(escapeMarkdown(ui['watch.off']), 'warning');
  if (!latest) return notice(escapeMarkdown(fill(ui['watch.never'], { interval })), 'default');
  const lines = [escapeMarkdown(deps.watch.enabled ? fill(ui['watch.checkedAt'], { at: formatUtc(latest.checkedAt), interval }) : ui['watch.off'])];
  if (!latest.connectors.length) lines.push(escapeMarkdown(ui['watch.noConnectors']));
  for (const c of latest.connectors) {
    lines.push(`**${escapeMarkdown(c.name)}**`);
    for (const p of c.probes) {
      const where = p.address && p.address !== p.host ? `${p.host} (${p.address})` : p.host;
      const mine = c.findings.filter((f) => f.host === p.host && (!f.address || f.address === p.address));
      const verdict = p.refused
        ? fill(ui['watch.notProbed'], { why: p.refused })
        : mine.length
          ? mine.map((f) => `${f.code} ${f.kind}`).join(', ')
          : p.validTo && c.checksCertificate
            ? fill(ui['watch.okCert'], { date: formatUtc(p.validTo), days: p.daysLeft ?? 0 })
            : ui['watch.ok'];
      lines.push(`- ${escapeMarkdown(`${where}: ${truncate(verdict, 300)}`)}`);
    }
  }
  const bad = latest.connectors.some((c) => c.findings.length);
  return notice(lines.join('\r'), bad ? 'attention' : 'good');
}
