import type { ConversationReference } from 'botbuilder';
import type { ProbeReport, ProbeStep } from '../diagnostics/types';
import { explainCode } from '../knowledge/explain-code';
import { pickLocale, type KnowledgeBase } from '../knowledge/load-knowledge';
import { describeValue, fixResultCardData, type Verification } from '../render/fix-cards';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import { fill, formatUtc } from '../render/text';
import type { UiCatalog } from '../render/ui-strings';
import type { EopCode } from '../diagnostics/types';
import { judgeSmartHost, type SmartHostProbe } from '../signals/connector-findings';
import type { ExchangeBackend } from './backends/exchange-backend';
import type { Change } from './change';
import { readSetting } from './kinds';
import type { Operations } from './operations';
import type { Recheck } from './recheck-scheduler';

export interface RecheckDeps {
  operations: Operations;
  exchange: ExchangeBackend;
  probe(target: { host: string; port: number }, onStep: (step: ProbeStep) => void): Promise<ProbeReport>;
  update(reference: Partial<ConversationReference>, messageId: string, card: AdaptiveCard): Promise<void>;
  renderCard: RenderCard;
  knowledge: KnowledgeBase;
  ui: UiCatalog;
  clock: () => Date;
}

/**
 * The re-check after a fix ("After one hour, verify that you no longer receive the error"): re-read the
 * setting, run the live diagnostics against the server from the error again, and update the fix's card
 * with the outcome: verified, or still failing with the code Microsoft 365 would report.
 */
export async function runRecheck(r: Recheck, deps: RecheckDeps): Promise<void> {
  const op = await deps.operations.get(r.operationId);
  if (op?.status !== 'applied') return; // undone or gone: nothing to verify
  const locale = pickLocale(r.locale);
  const ui = deps.ui[locale];
  const current = await readSetting(deps.exchange, op.change);
  const lines = [fill(current === op.change.to ? ui.recheckSettingKept : ui.recheckSettingReverted, { state: describeValue(current, ui) })];
  let style: Verification['style'] = 'default';
  const host = op.source.server || op.source.ip;
  if (!host) lines.push(ui.recheckNoTarget);
  else {
    const port = op.source.port ?? 25;
    const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    const report = await deps.probe({ host, port }, () => {});
    const failing = await failingCode(op.change, { host, port, report }, deps.exchange);
    if (report.refused) {
      lines.push(fill(ui.recheckRefused, { target, detail: report.refused.detail }));
      style = 'warning';
    } else if (failing) {
      lines.push(fill(ui.recheckStillFailing, { target, code: `450 ${failing} ${explainCode(deps.knowledge, locale, failing).name}` }));
      style = 'attention';
    } else {
      lines.push(fill(ui.recheckVerified, { target }));
      style = 'good';
    }
  }
  // Undone (or changed) while the probe ran: the card now says so, and must not be put back to "applied".
  const latest = await deps.operations.get(r.operationId);
  if (latest?.status !== 'applied') return;
  const verification: Verification = { title: fill(ui.recheckTitle, { time: formatUtc(deps.clock().toISOString()) }), text: lines.join(' '), style };
  await deps.update(r.reference, r.messageId, deps.renderCard('fix-result', fixResultCardData(op, 'applied', ui, '', { verification })));
}

/**
 * The code Microsoft 365 would still report. A TLS-domain change is judged as Microsoft 365 judges the
 * connector (its TlsSettings and TlsDomain, as they are now), not by the host name the probe was given: the
 * certificate is for another name on purpose. An expiry warning is not a failure yet.
 */
async function failingCode(change: Change, probe: SmartHostProbe, exchange: ExchangeBackend): Promise<EopCode | undefined> {
  if (change.kind !== 'connector-tls-domain') return probe.report.eopCode;
  const connector = (await exchange.listOutboundConnectors()).find((c) => c.name.toLowerCase() === change.target.toLowerCase());
  if (!connector) return probe.report.eopCode;
  return judgeSmartHost(connector, probe).find((f) => f.kind !== 'expiring')?.code;
}
