import { explainCode, type Explanation } from '../knowledge/explain-code';
import type { KnowledgeBase, Locale } from '../knowledge/load-knowledge';
import type { ParsedError } from '../parse/types';
import { deliveredCardData, deliveredLine } from '../render/delivered-card';
import type { HealthIssue } from '../signals/signals-source';
import { diagnosisCardData, forAudience, type Audience, type DiagnosisCardData } from '../render/diagnosis-card';
import type { ReadTenant, TenantReading } from '../remediation/read-tenant';
import { cardError } from '../render/card-error';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import { escapeMarkdown, fill, truncate } from '../render/text';
import type { UiCatalog } from '../render/ui-strings';

/** Up to this many distinct errors get a card each; more become a summary plus cards for the worst few. */
export const MAX_ERROR_CARDS = 4;
/** With a summary, this many of the worst errors still get a card of their own. */
export const DETAIL_CARDS_WITH_SUMMARY = 3;
// Each row carries its error for the tap that opens its card; 25 of them keep the message under 28 KB.
const SUMMARY_ROWS = 25;

export interface PasteDeps {
  knowledge: KnowledgeBase;
  ui: UiCatalog;
  renderCard: RenderCard;
  now: () => Date;
  /** The tenant's connectors and accepted domains: which connector routes there, and whether Fix now applies. */
  readTenant: ReadTenant;
  /** Microsoft's open Exchange Online incidents, named on every diagnosis card. */
  readIncidents(): Promise<HealthIssue[]>;
}

/** What is read once per answer for all its cards. */
interface Readings {
  tenant: TenantReading;
  incidents: HealthIssue[];
}

const readingsOf = async (deps: PasteDeps): Promise<Readings> => {
  const [tenant, incidents] = await Promise.all([deps.readTenant(), deps.readIncidents()]);
  return { tenant, incidents };
};

interface Group {
  key: string;
  first: ParsedError;
  best: ParsedError;
  count: number;
}

/**
 * Distinct errors: the same code to the same destination is one error, whichever attempt line it came from.
 * A line naming only the recipient (an NDR's "Remote server returned '550 5.1.1 …'") joins the block of the
 * same code and recipient that names the server (its delivery status block): one failure, one card.
 */
export function groupErrors(errors: ParsedError[]): Group[] {
  const groups = new Map<string, Group>();
  const byRecipient = new Map<string, Group>();
  const recipientKey = (e: ParsedError) => (e.recipient ? `${e.enhancedCode}|${e.recipient.toLowerCase()}` : '');
  const ordered = [...errors].sort((a, b) => Number(!a.server && !a.ip) - Number(!b.server && !b.ip));
  for (const e of ordered) {
    const bare = !e.server && !e.ip;
    const key = `${e.enhancedCode}|${(e.server ?? '').toLowerCase()}|${e.ip ?? ''}`;
    const g = (bare && byRecipient.get(recipientKey(e))) || groups.get(key);
    const n = e.occurrences ?? 1;
    if (!g) {
      const created = { key, first: e, best: e, count: n };
      groups.set(key, created);
      if (recipientKey(e) && !bare) byRecipient.set(recipientKey(e), created);
    } else if (bare && g.key !== key) {
      g.best = mergeInto(g.best, e); // the same failure told twice: not a second occurrence
    } else {
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

/**
 * By impact: connector and queue errors first (all mail to a destination waits or bounces, and Fix now may
 * apply), then per-recipient ones; within each, the most failures first, then permanent before transient.
 */
function impact(g: Group, x: Explanation): number {
  const wholeDestination = x.connector || g.best.format === 'queue';
  return (wholeDestination ? 1_000_000 : 0) + Math.min(g.count, 99_999) * 10 + (g.best.enhancedCode[0] === '5' ? 2 : g.best.enhancedCode[0] === '4' ? 1 : 0);
}

/**
 * The cards that answer a paste holding one or more delivery errors: a card per distinct error, or for a
 * long paste (a trace export) a summary ranked by impact, each row opening that error's card, followed by
 * cards for the worst few. Every distinct code in the paste appears on some card. Success lines
 * (`outcome: 'delivered'`) are no failures: a paste of only those gets the delivered card, and otherwise
 * the first card says in one line what was delivered.
 */
/** `audience`: set in a group chat or channel whose bot has a list of admins (forAudience). */
export async function answerPaste(parsed: ParsedError[], locale: Locale, deps: PasteDeps, audience?: Audience): Promise<AdaptiveCard[]> {
  const ui = deps.ui[locale];
  const errors = parsed.filter((e) => e.outcome === undefined);
  const delivered = parsed.filter((e) => e.outcome === 'delivered');
  if (errors.length === 0) return [deps.renderCard('delivered', deliveredCardData(delivered, ui))];
  const alsoDelivered = deliveredLine(delivered, ui);
  const readings = await readingsOf(deps);

  const groups = groupErrors(errors);
  if (groups.length <= MAX_ERROR_CARDS)
    return groups.map((g, i) => errorCard(errorOf(g), locale, deps, readings, i === 0 ? alsoDelivered : '', null, audience));

  const ranked = groups.map((g) => ({ g, x: explainCode(deps.knowledge, locale, g.best.enhancedCode) })).sort((a, b) => impact(b.g, b.x) - impact(a.g, a.x));
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
      scope: x.connector || g.best.format === 'queue' ? ui.summaryConnectorRow : ui.summaryRecipientRow,
      destination: escapeMarkdown(
        truncate([g.best.server ?? g.best.serverPlaceholder, g.best.ip].filter(Boolean).join(' ') || (g.count === 1 && g.best.recipient) || '—', 120),
      ),
      count: String(g.count),
      open: { error: cardError(errorOf(g), 'row') },
    })),
    openTitle: ui.summaryOpen,
    more: otherCodes.length ? escapeMarkdown(fill(ui.summaryMore, { count: ranked.length - listed.length, codes: otherCodes.join(', ') })) : '',
    delivered: alsoDelivered,
  });
  return [summary, ...ranked.slice(0, DETAIL_CARDS_WITH_SUMMARY).map(({ g }) => errorCard(errorOf(g), locale, deps, readings, '', null, audience))];
}

const errorOf = (g: Group): ParsedError => (g.count > 1 ? { ...g.best, occurrences: g.count } : g.best);

/** One error's card, for a paste or for a card action that shows it again (Cancel, a refused press, a summary row). */
export async function pastedErrorCard(
  error: ParsedError,
  locale: Locale,
  deps: PasteDeps,
  banner?: DiagnosisCardData['banner'],
  audience?: Audience,
): Promise<AdaptiveCard> {
  return errorCard(error, locale, deps, await readingsOf(deps), '', banner, audience);
}

function errorCard(
  error: ParsedError,
  locale: Locale,
  deps: PasteDeps,
  { tenant, incidents }: Readings,
  delivered: string,
  banner: DiagnosisCardData['banner'] = null,
  audience?: Audience,
): AdaptiveCard {
  const explanation = explainCode(deps.knowledge, locale, error.enhancedCode);
  const underlyingCode = explanation.expiredFormOf ?? error.quotedCodes.find((c) => explainCode(deps.knowledge, locale, c).connector);
  const underlying = underlyingCode && underlyingCode !== error.enhancedCode ? explainCode(deps.knowledge, locale, underlyingCode) : undefined;
  const data = diagnosisCardData({
    error,
    explanation,
    underlying,
    knowledge: deps.knowledge[locale],
    ui: deps.ui[locale],
    now: deps.now(),
    origin: 'paste',
    tenant,
    incidents,
  });
  const shown = audience ? forAudience(data, audience, deps.ui[locale]) : data;
  return deps.renderCard('diagnosis', { ...shown, delivered, banner });
}
