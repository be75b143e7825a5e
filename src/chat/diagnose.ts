import { parseTarget } from '../diagnostics/parse-target';
import type { ProbeReport, ProbeStep } from '../diagnostics/types';
import type { KnowledgeBase, Locale } from '../knowledge/load-knowledge';
import type { Logger } from '../log/logger';
import { diagnosticsCardData, type DiagnosticsView } from '../render/diagnostics-card';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import { fill } from '../render/text';
import type { UiCatalog } from '../render/ui-strings';

/** Where the live card goes: post it once, then update that message in place. */
export interface CardChannel {
  post(card: AdaptiveCard): Promise<string | undefined>;
  update(messageId: string, card: AdaptiveCard): Promise<void>;
}

export interface DiagnoseDeps {
  knowledge: KnowledgeBase;
  ui: UiCatalog;
  renderCard: RenderCard;
  logger: Logger;
  /** probeDestination with the configured timeouts, port and address rules. */
  probe(target: { host: string; port: number }, onStep: (step: ProbeStep) => void): Promise<ProbeReport>;
  limiter: {
    run(
      userId: string,
      key: string,
      start: () => Promise<ProbeReport>,
    ): { status: 'started' | 'joined' | 'limited'; promise?: Promise<ProbeReport>; retryAfterMs?: number };
  };
}

/**
 * diagnose <host>[:port] and the Run diagnostics button: posts a "checking" card at once and updates
 * that one message as each check finishes (updates are serialised, so they arrive in order).
 * Resolves when the final card has been sent.
 */
export async function runDiagnosis(input: string, userId: string, locale: Locale, channel: CardChannel, deps: DiagnoseDeps): Promise<void> {
  const ui = deps.ui[locale];
  const render = (view: DiagnosticsView) => deps.renderCard('diagnostics', diagnosticsCardData(view, locale, deps.knowledge, ui));
  const parsed = parseTarget(input);
  if ('error' in parsed) {
    await channel.post(render({ target: input.slice(0, 80) || '?', steps: [], notice: `${parsed.error} ${ui.diagUsage}` }));
    return;
  }
  const label = parsed.host.includes(':') ? `[${parsed.host}]:${parsed.port}` : `${parsed.host}:${parsed.port}`;

  let announce!: (id: string | undefined) => void;
  const posted = new Promise<string | undefined>((resolve) => (announce = resolve));
  const steps: ProbeStep[] = [];
  let updates = Promise.resolve();
  const queueUpdate = (card: AdaptiveCard) => {
    updates = updates
      .then(async () => {
        const id = await posted;
        if (id) await channel.update(id, card);
      })
      .catch((err) => deps.logger.warn('could not update the diagnostics card', { err: err as Error }));
  };

  const run = deps.limiter.run(userId, label, async () => {
    await posted;
    return deps.probe(parsed, (step) => {
      steps.push(step);
      queueUpdate(render({ target: label, steps: [...steps] }));
    });
  });
  if (run.status === 'limited') {
    await channel.post(render({ target: label, steps: [], notice: fill(ui.diagLimited, { seconds: Math.ceil((run.retryAfterMs ?? 60_000) / 1000) }) }));
    return;
  }
  const first =
    run.status === 'joined' ? render({ target: label, steps: [], notice: fill(ui.diagJoined, { target: label }) }) : render({ target: label, steps: [] });
  let firstId: string | undefined;
  try {
    firstId = await channel.post(first);
  } finally {
    // Always let the probe go on (and end): a probe left waiting would block its target in the limiter.
    announce(firstId);
  }
  const report = await run.promise!;
  queueUpdate(render({ target: label, steps: report.steps, report }));
  await updates;
}
