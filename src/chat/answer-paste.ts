import { explainCode, type Explanation } from '../knowledge/explain-code';
import type { KnowledgeBase, Locale } from '../knowledge/load-knowledge';
import type { ParsedError } from '../parse/types';
import { diagnosisCardData } from '../render/diagnosis-card';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import { escapeMarkdown, fill, truncate } from '../render/text';
import type { UiCatalog } from '../render/ui-strings';

/** One card per distinct error up to this many; the rest are counted on a summary card. */
export const MAX_ERROR_CARDS = 5;
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
    if (!g) groups.set(key, { key, first: e, best: e, count: 1 });
    else {
      g.count++;
      if (richness(e) > richness(g.best)) g.best = mergeInto(e, g.best);
      else g.best = mergeInto(g.best, e);
    }
  }
  return [...groups.values()];
}

const richness = (e: ParsedError) => Object.values(e).filter((v) => v !== undefined && v !== '' && !(Array.isArray(v) && !v.length)).length;

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

/** The cards that answer a paste holding one or more delivery errors. */
export function answerPaste(errors: ParsedError[], locale: Locale, deps: PasteDeps): AdaptiveCard[] {
  const ui = deps.ui[locale];
  const now = deps.now();
  const groups = groupErrors(errors);
  const cards: AdaptiveCard[] = [];
  for (const g of groups.slice(0, MAX_ERROR_CARDS)) {
    const explanation = explainCode(deps.knowledge, locale, g.best.enhancedCode);
    const underlyingCode = explanation.expiredFormOf ?? g.best.quotedCodes.find((c) => explainCode(deps.knowledge, locale, c).connector);
    const underlying = underlyingCode && underlyingCode !== g.best.enhancedCode ? explainCode(deps.knowledge, locale, underlyingCode) : undefined;
    const data = diagnosisCardData({ error: g.best, explanation, underlying, knowledge: deps.knowledge[locale], ui, now });
    cards.push(deps.renderCard('diagnosis', data));
  }
  if (groups.length > MAX_ERROR_CARDS) {
    const ranked = groups
      .map((g) => ({ g, x: explainCode(deps.knowledge, locale, g.best.enhancedCode) }))
      .sort((a, b) => severity(b.g, b.x) - severity(a.g, a.x));
    cards.push(deps.renderCard('summary', {
      title: fill(ui.summaryTitle, { count: errors.length }),
      intro: escapeMarkdown(fill(ui.summaryIntro, { shown: MAX_ERROR_CARDS })),
      t: { code: ui.summaryCode, destination: ui.summaryDestination, count: ui.summaryCount },
      rows: ranked.slice(0, SUMMARY_ROWS).map(({ g, x }) => ({
        code: escapeMarkdown(truncate(`${g.best.enhancedCode} ${x.name}`, 80)),
        color: g.best.enhancedCode[0] === '5' ? 'attention' : 'warning',
        destination: escapeMarkdown(truncate([g.best.server, g.best.ip].filter(Boolean).join(' ') || '—', 120)),
        count: String(g.count),
      })),
    }));
  }
  return cards;
}
