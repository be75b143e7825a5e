import { parseTargets } from '../diagnostics/parse-target';
import type { ProbeReport, ProbeStep } from '../diagnostics/types';
import type { KnowledgeBase, Locale } from '../knowledge/load-knowledge';
import type { Logger } from '../log/logger';
import { diagnosticsCardData, type DiagnosticsFix, type DiagnosticsView, type ProbeProgress } from '../render/diagnostics-card';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import { fill } from '../render/text';
import type { UiCatalog, UiStrings } from '../render/ui-strings';

/** Where the live card goes: post it once, then update that message in place. */
export interface CardChannel {
  post(card: AdaptiveCard): Promise<string | undefined>;
  update(messageId: string, card: AdaptiveCard): Promise<void>;
  /** Progress besides the card (Teams' streaming in a 1:1 chat, a typing indicator elsewhere). */
  progress?: DiagnosisProgress;
}

export interface DiagnosisProgress {
  start(text: string): void;
  step(text: string): void;
  /** The last word, once the card is final. */
  end(text: string): Promise<void>;
}

type LimitedRun = { status: 'started' | 'joined' | 'limited'; promise?: Promise<ProbeReport>; retryAfterMs?: number };

export interface DiagnoseDeps {
  knowledge: KnowledgeBase;
  ui: UiCatalog;
  renderCard: RenderCard;
  logger: Logger;
  /** probeDestination with the configured timeouts, port and address rules. */
  probe(target: { host: string; port: number }, onStep: (step: ProbeStep) => void): Promise<ProbeReport>;
  limiter: { run(userId: string, key: string, start: () => Promise<ProbeReport>): LimitedRun };
  /** Keeps what the finished probe saw and says which Fix now it makes possible, if any (the TLS domain). */
  afterProbe?(host: string, port: number, report: ProbeReport): Promise<DiagnosticsFix | undefined>;
}

const labelOf = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/**
 * diagnose <host>[:port] [ip] and the Run diagnostics button: posts a "checking" card at once and updates
 * that one message as each check finishes (updates are serialised, so they arrive in order). With an IP
 * from the paste besides a name, that IP is probed after the name, each under the limiter and the address
 * rules like any probe, unless the name resolved to it. Resolves when the final card has been sent.
 */
export async function runDiagnosis(input: string, userId: string, locale: Locale, channel: CardChannel, deps: DiagnoseDeps): Promise<void> {
  const ui = deps.ui[locale];
  const render = (view: DiagnosticsView) => deps.renderCard('diagnostics', diagnosticsCardData(view, locale, deps.knowledge, ui));
  const parsed = parseTargets(input);
  if ('error' in parsed) {
    await channel.post(render({ target: input.slice(0, 80) || '?', steps: [], notice: `${parsed.error} ${ui.diagUsage}` }));
    return;
  }
  const { host, port, ip } = parsed;
  const label = labelOf(host, port);

  let announce!: (id: string | undefined) => void;
  const posted = new Promise<string | undefined>((resolve) => (announce = resolve));
  let updates = Promise.resolve();
  const queueUpdate = (card: AdaptiveCard) => {
    updates = updates
      .then(async () => {
        const id = await posted;
        if (id) await channel.update(id, card);
      })
      .catch((err) => deps.logger.warn('could not update the diagnostics card', { err: err as Error }));
  };
  // The card as it stands: the name's probe, then the pasted IP's; every change re-renders the whole card.
  const name: ProbeProgress = { steps: [] };
  const pasteIp: DiagnosticsView['pasteIp'] = ip ? { ip, steps: [] } : undefined;
  const view = (): DiagnosticsView => ({ target: label, port, ...name, ...(pasteIp ? { pasteIp } : {}) });
  const live = (progress: ProbeProgress) => (step: ProbeStep) => {
    progress.steps = [...progress.steps, step];
    queueUpdate(render(view()));
    channel.progress?.step(fill(ui.diagProgressStep, { target: label, step: ui[`diagStep.${step.name}`], status: ui[`diagStatus.${step.status}`] }));
  };

  const run = deps.limiter.run(userId, label, async () => {
    await posted;
    return deps.probe({ host, port }, live(name));
  });
  if (run.status === 'limited') {
    await channel.post(render({ target: label, port, steps: [], notice: limitedText(ui, run) }));
    return;
  }
  const first = run.status === 'joined' ? render({ target: label, port, steps: [], notice: fill(ui.diagJoined, { target: label }) }) : render(view());
  channel.progress?.start(fill(ui.diagProgressStart, { target: label }));
  let firstId: string | undefined;
  try {
    firstId = await channel.post(first);
  } finally {
    // Always let the probe go on (and end): a probe left waiting would block its target in the limiter.
    announce(firstId);
  }
  name.report = await run.promise!;
  name.steps = name.report.steps;

  if (pasteIp) {
    if (name.report.addresses.includes(pasteIp.ip)) pasteIp.sameAsName = true;
    else {
      queueUpdate(render(view()));
      Object.assign(pasteIp, await probePasteIp(pasteIp, port, userId, deps, ui, live));
    }
  }
  const fix = await deps.afterProbe?.(host, port, name.report).catch((err) => {
    deps.logger.warn('could not check the probe against the tenant', { err: err as Error });
    return undefined;
  });
  queueUpdate(render({ ...view(), rerun: { host, port, ip: ip ?? '' }, ...(fix && { fix }) }));
  await updates;
  const code = name.report.eopCode;
  await channel.progress?.end(
    code
      ? fill(ui.diagProgressFailing, { target: label, code: `450 ${code}` })
      : fill(ui[name.report.refused ? 'diagProgressNotRun' : 'diagProgressHealthy'], { target: label }),
  );
}

/** The second probe, of the IP in the paste: its own limiter entry, so it counts and is shared like any other. */
async function probePasteIp(
  progress: ProbeProgress & { ip: string },
  port: number,
  userId: string,
  deps: DiagnoseDeps,
  ui: UiStrings,
  live: (progress: ProbeProgress) => (step: ProbeStep) => void,
): Promise<ProbeProgress> {
  const { ip } = progress;
  const run = deps.limiter.run(userId, labelOf(ip, port), () => deps.probe({ host: ip, port }, live(progress)));
  if (run.status === 'limited') return { steps: [], notice: limitedText(ui, run) };
  const report = await run.promise!;
  return { steps: report.steps, report };
}

const limitedText = (ui: UiStrings, run: LimitedRun): string => fill(ui.diagLimited, { seconds: Math.ceil((run.retryAfterMs ?? 60_000) / 1000) });
