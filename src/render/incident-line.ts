import type { HealthIssue } from '../signals/signals-source';
import { escapeMarkdown, fill, formatUtc, truncate } from './text';
import type { UiStrings } from './ui-strings';

/** Incidents named on one card at most; more are counted. */
const SHOWN = 2;

/** "Microsoft is working on EX123456 since 2026-12-02 08:10 UTC: <title>", one per open incident (escaped). */
export function incidentLines(issues: readonly HealthIssue[] | undefined, ui: UiStrings): string[] {
  if (!issues?.length) return [];
  const lines = issues
    .slice(0, SHOWN)
    .map((i) => escapeMarkdown(fill(ui['incident.line'], { id: i.id, since: formatUtc(i.startDateTime), title: truncate(i.title, 200) })));
  if (issues.length > SHOWN) lines.push(escapeMarkdown(fill(ui['incident.more'], { n: issues.length - SHOWN })));
  return lines;
}
