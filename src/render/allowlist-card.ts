/**
 * The allow-list card (`allowlist`) and the change notice (a row of the ALERT_RENDERERS table): the
 * addresses Microsoft 365 sends from on TCP 25, IPv4 and IPv6 apart, one per line to copy into the
 * firewall or the connector in front of the on-premises server; upcoming additions with their dates.
 */
import type { AlertGroup } from '../alerts/alert-group';
import { pickLocale, type Locale } from '../knowledge/load-knowledge';
import type { AllowListReading } from '../signals/allow-list';
import type { AddedIps } from '../signals/m365-endpoints';
import type { AlertRenderDeps } from './render-alert';
import type { AdaptiveCard, RenderCard } from './render-card';
import { bulletList, escapeMarkdown, fill, formatUtc } from './text';
import type { UiCatalog, UiStrings } from './ui-strings';

export const ENDPOINTS_DOC_URL = 'https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges#exchange-online';

export interface AllowListCardData {
  title: string;
  checked: string;
  problem: string;
  intro: string;
  lists: Array<{ heading: string; addresses: string }>;
  upcomingTitle: string;
  upcoming: string;
  docsTitle: string;
  docsUrl: string;
}

export function allowListCardData(reading: AllowListReading, ui: UiStrings): AllowListCardData {
  const list = reading.list;
  return {
    title: ui['allowlist.title'],
    checked: list ? escapeMarkdown(fill(ui['allowlist.checked'], { version: list.version, at: formatUtc(list.checkedAt) })) : '',
    problem: reading.problem
      ? escapeMarkdown(fill(ui[list ? 'allowlist.problemCached' : 'allowlist.problem'], { problem: reading.problem.slice(0, 300) }))
      : '',
    intro: list ? escapeMarkdown(ui['allowlist.intro']) : '',
    lists: list ? addressLists(list, ui) : [],
    upcomingTitle: list?.added.length ? ui['allowlist.upcoming'] : '',
    // The addresses passed the reader's pattern (digits, hex, dots, colons, slashes): nothing to escape.
    upcoming: list?.added.length ? bulletList(list.added.map((a) => addedLine(a, ui))) : '',
    docsTitle: ui['allowlist.docs'],
    docsUrl: ENDPOINTS_DOC_URL,
  };
}

export function allowListCard(reading: AllowListReading, locale: Locale, deps: { ui: UiCatalog; renderCard: RenderCard }): AdaptiveCard {
  return deps.renderCard('allowlist', allowListCardData(reading, deps.ui[locale]));
}

/** The change notice: only the new addresses, with when Microsoft starts using them. */
export async function endpointsChangeCard(group: AlertGroup, deps: AlertRenderDeps): Promise<AdaptiveCard> {
  const ui = deps.ui[pickLocale(group.locale)];
  const e = group.endpoints;
  const added = e?.added ?? [];
  return deps.renderCard('allowlist', {
    title: escapeMarkdown(fill(ui['allowlist.changeTitle'], { version: e?.version ?? '?' })),
    checked: '',
    problem: '',
    intro: escapeMarkdown(ui['allowlist.changeIntro']),
    lists: added.flatMap((a) => addressLists(a, ui, a.effectiveDate ? fill(ui['allowlist.from'], { date: formatUtc(a.effectiveDate) }) : '')),
    upcomingTitle: '',
    upcoming: '',
    docsTitle: ui['allowlist.docs'],
    docsUrl: ENDPOINTS_DOC_URL,
  });
}

function addressLists(l: { ipv4: string[]; ipv6: string[] }, ui: UiStrings, suffix = '') {
  const out: AllowListCardData['lists'] = [];
  const tail = suffix ? ` — ${suffix}` : '';
  if (l.ipv4.length) out.push({ heading: escapeMarkdown(fill(ui['allowlist.ipv4'], { n: l.ipv4.length }) + tail), addresses: l.ipv4.join('\n') });
  if (l.ipv6.length) out.push({ heading: escapeMarkdown(fill(ui['allowlist.ipv6'], { n: l.ipv6.length }) + tail), addresses: l.ipv6.join('\n') });
  return out;
}

function addedLine(a: AddedIps, ui: UiStrings): string {
  return fill(ui['allowlist.addedLine'], {
    ips: [...a.ipv4, ...a.ipv6].slice(0, 20).join(', '),
    date: a.effectiveDate ? formatUtc(a.effectiveDate) : a.version,
  });
}
