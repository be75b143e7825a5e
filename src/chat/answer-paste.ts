import { explainCode, type Explanation } from '../knowledge/explain-code';
import type { KnowledgeBase, Locale } from '../knowledge/load-knowledge';
import type { ParsedError } from '../parse/types';
import { deliveredCardData, deliveredLine } from '../render/delivered-card';
import { diagnosisCardData } from '../render/diagnosis-card';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import { escapeMarkdown, fill, truncate } from '../render/text';
import type { UiCatalog } from '../render/ui-strings';

/** Up to this many distinct errors get a card each; more become a summary plus cards for the worst few. */
export const MAX_ERROR_CARDS = 4;
/** With a summary, this many of the worst errors still get a card of their own. */
export const DETAIL_CARDS_WITH_SUMMARY = 3;
const SUMMARY_ROWS = 40;

export interface PasteDeps {
  knowledge: KnowledgeBase;
  ui: UiCatalog;
  renderCard: RenderCard;
  now: () => Date;
}

interface Group {
  key: string;
  first: ParsedError;
  best: ParsedError;
  count: number;
}

/** Distinct errors: the same code to the same destination is one error, whichever attempt line it came from. */
export function groupErrors(errors: ParsedError[]): Group[] {
  const groups = new Map<string, Group>();
  for (const e of errors) {
    const key = `${e.enhancedCode}|${(e.server ?? '').toLowerCase()}|${e.ip ?? ''}`;
    const g = groups.get(key);
    const n = e.occurrences ?? 1;
    if (!g) groups.set(key, { key, first: e, best: e, count: n });
    else {
      g.count += n;
      if (richness(e) > richness(g.best)) g.best = mergeInto(e, g.best);
      else g.best = mergeInto(g.best, e);
    }
  }
  return [...groups.values()];
}

const richness = (e: ParsedError) =>
  Object.entries(e)
    .filter(([k]) => k !== 'occurrences')
    .map(([, v]) => v)
    .filter((v) => v !== undefined && v !== '' && !(Array.isArray(v) && !v.length)).length;

/** Keeps every field `primary` has, and borrows the ones it lacks from `other` (e.g. LRT from another line). */
function mergeInto(primary: ParsedError, other: ParsedError): ParsedError {
  const merged = { ...primary } as Record<string, unknown>;
  for (const [k, v] of Object.entries(other)) if (merged[k] === undefined || merged[k] === '') merged[k] = v;
  return merged as unknown as ParsedError;
}

/** Worst first: permanent before transient, connector errors before others, then by count. */
function severity(g: Group, x: Explanation): number {
  return (g.best.enhancedCode[0] === '5' ? 2000 : g.best.enhancedCode[0] === '4' ? 1000 : 0) + (x.connector ? 500 : 0) + Math.min(g.count, 499);
}

/**
 * The cards that answer a paste holding one or more delivery errors: a card per distinct error, or for a
 * long paste (a trace export) a summary grouped by code and destination, worst first, followed by cards
 * for the worst few. Every distinct code in the paste appears on some card. Success lines
 * (`outcome: 'delivered'`) are no failures: a paste of only those gets the delivered card, and otherwise
 * the first card says in one line what was delivered.
 */
export function answerPaste(parsed: ParsedError[], locale: Locale, deps: PasteDeps): AdaptiveCard[] {
  const ui = deps.ui[locale];
  const errors = parsed.filter((e) => e.outcome === undefined);
  const delivered = parsed.filter((e) => e.outcome === 'delivered');
  if (errors.length === 0) return [deps.renderCard('delivered', deliveredCardData(delivered, ui))];
  const alsoDelivered = deliveredLine(delivered, ui);

  const groups = groupErrors(errors);
  if (groups.length <= MAX_ERROR_CARDS) return groups.map((g, i) => errorCard(g, locale, deps, i === 0 ? alsoDelivered : ''));

  const ranked = groups
    .map((g) => ({ g, x: explainCode(deps.knowledge, locale, g.best.enhancedCode) }))
    .sort((a, b) => severity(b.g, b.x) - severity(a.g, a.x));
  const listed = ranked.slice(0, SUMMARY_ROWS);
  const listedCodes = new Set(listed.map(({ g }) => g.best.enhancedCode));
  const otherCodes = [...new Set(ranked.slice(SUMMARY_ROWS).map(({ g }) => g.best.enhancedCode))].filter((c) => !listedCodes.has(c));
  const summary = deps.renderCard('summary', {
    title: fill(ui.summaryTitle, { count: groups.reduce((sum, g) => sum + g.count, 0) }),
    intro: escapeMarkdown(fill(ui.summaryIntro, { shown: DETAIL_CARDS_WITH_SUMMARY })),
    t: { code: ui.summaryCode, destination: ui.summaryDestination, count: ui.summaryCount },
    rows: listed.map(({ g, x }) => ({
      code: escapeMarkdown(truncate(`${g.best.enhancedCode} ${x.name}`, 80)),
      color: g.best.enhancedCode[0] === '5' ? 'attention' : 'warning',
      destination: escapeMarkdown(truncate([g.best.server, g.best.ip].filter(Boolean).join(' ') || '—', 120)),
      count: String(g.count),
    })),
    more: otherCodes.length ? escapeMarkdown(fill(ui.summaryMore, { count: ranked.length - listed.length, codes: otherCodes.join(', ') })) : '',
    delivered: alsoDelivered,
  });
  return [summary, ...ranked.slice(0, DETAIL_CARDS_WITH_SUMMARY).map(({ g }) => errorCard(g, locale, deps, ''))];
}

function errorCard(g: Group, locale: Locale, deps: PasteDeps, delivered: string): AdaptiveCard {
  const explanation = explainCode(deps.knowledge, locale, g.best.enhancedCode);
  const underlyingCode = explanation.expiredFormOf ?? g.best.quotedCodes.find((c) => explainCode(deps.knowledge, locale, c).connector);
  const underlying = underlyingCode && underlyingCode !== g.best.enhancedCode ? explainCode(deps.knowledge, locale, underlyingCode) : undefined;
  const error = g.count > 1 ? { ...g.best, occurrences: g.count } : g.best;
  const data = diagnosisCardData({ error, explanation, underlying, knowledge: deps.knowledge[locale], ui: deps.ui[locale], now: deps.now() });
  return deps.renderCard('diagnosis', { ...data, delivered });
}
