import type { KnowledgeBase, Locale } from './load-knowledge';
import type { ChangeKind } from '../remediation/change';
import type { CodeKnowledge } from './types';

export interface Explanation {
  code: string;
  /** True when the knowledge base has this code (or its range); false = RFC 3463 fallback. */
  known: boolean;
  name: string;
  /** The card's first sentence, with {destination} and {port} to fill; absent: open with `meaning`. */
  headline?: string;
  meaning: string;
  causes: readonly string[];
  fixes: readonly string[];
  docUrl: string;
  /** One of the six mail flow intelligence connector codes, or an expired form of one. */
  connector: boolean;
  expiredFormOf?: string;
  /** Microsoft 365 keeps retrying for 24 hours (a 4.x.x deferral). */
  retried: boolean;
  /** The Fix now kinds this code offers (remediation/kinds/), from the knowledge file; empty: no Fix now. */
  remediations: readonly ChangeKind[];
  /** The partner guidance sentence, for connector-related codes and unknown ones. */
  partner?: string;
  rfc: { class?: string; subject?: string; detail?: string };
}

const CODE = /^([245])\.(\d{1,3})\.(\d{1,3})$/;
const DEFAULT_DOC = 'https://learn.microsoft.com/en-us/troubleshoot/exchange/email-delivery/ndr/non-delivery-reports-in-exchange-online';

/** Finds the knowledge for a code: exact key first, then a range key such as "4.7.500-699". */
export function findCode(codes: Record<string, CodeKnowledge>, code: string): CodeKnowledge | undefined {
  if (codes[code]) return codes[code];
  const m = CODE.exec(code);
  if (!m) return undefined;
  const detail = Number(m[3]);
  for (const [key, value] of Object.entries(codes)) {
    const r = /^([245])\.(\d{1,3})\.(\d{1,3})-(\d{1,3})$/.exec(key);
    if (r && r[1] === m[1] && r[2] === m[2] && detail >= Number(r[3]) && detail <= Number(r[4])) return value;
  }
  return undefined;
}

/** What the bot says about one enhanced status code, in one locale. */
export function explainCode(kb: KnowledgeBase, locale: Locale, code: string): Explanation {
  const k = kb[locale];
  const m = CODE.exec(code);
  const rfc = m
    ? {
        class: k.rfc3463.class[m[1]],
        subject: k.rfc3463.subject[String(Number(m[2]))],
        detail: k.rfc3463.detail[`${Number(m[2])}.${Number(m[3])}`],
      }
    : {};
  const entry = findCode(k.codes, code);
  const retried = m?.[1] === '4';
  if (entry) {
    const connector = entry.connector === true;
    return {
      code,
      known: true,
      name: entry.name,
      headline: entry.headline,
      meaning: entry.meaning,
      causes: [...entry.causes],
      fixes: [...entry.fixes],
      docUrl: entry.docUrl || DEFAULT_DOC,
      connector,
      expiredFormOf: entry.expiredFormOf,
      retried: entry.retried ?? retried,
      remediations: entry.remediations ?? [],
      partner: connector || entry.expiredFormOf ? k.partner : undefined,
      rfc,
    };
  }
  // The article's "other errors" guidance is about Microsoft 365 delivering through a connector: it fits a
  // routing or connection code (X.4.X); any other code's best guide is the text the user pasted.
  const routing = m !== null && Number(m[2]) === 4;
  const fallback = routing ? k.other : k.unlisted;
  return {
    code,
    known: false,
    name: rfc.detail ?? rfc.subject ?? code,
    meaning: fallback.meaning,
    causes: [],
    fixes: [...fallback.fixes],
    docUrl: DEFAULT_DOC,
    connector: false,
    retried,
    remediations: [],
    partner: routing ? k.partner : undefined,
    rfc,
  };
}
