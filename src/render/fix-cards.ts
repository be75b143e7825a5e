import { inverseOf } from '../remediation/change';
import { describeChange, doneSentence, powershellFor, undoneSentence, whyFor } from '../remediation/kinds';
import type { Change } from '../remediation/change';
import type { Operation } from '../remediation/operations';
import { auditWords, type AuditEntry } from '../remediation/audit-log';
import type { AcceptedDomainType, TlsSettings } from '../remediation/backends/exchange-backend';
import { escapeMarkdown, fill, formatUtc } from './text';
import type { UiKey, UiStrings } from './ui-strings';

/** Exchange's enumerations, as the admin center names them in each language. */
const VALUE_LABELS = {
  Authoritative: 'value.Authoritative',
  InternalRelay: 'value.InternalRelay',
  ExternalRelay: 'value.ExternalRelay',
  EncryptionOnly: 'value.EncryptionOnly',
  CertificateValidation: 'value.CertificateValidation',
  DomainValidation: 'value.DomainValidation',
} satisfies Record<AcceptedDomainType | NonNullable<TlsSettings>, UiKey>;

export function describeValue(value: unknown, ui: UiStrings): string {
  if (value === true) return ui['value.true'];
  if (value === false) return ui['value.false'];
  if (value === undefined || value === null) return '—';
  const label = typeof value === 'string' && Object.hasOwn(VALUE_LABELS, value) ? VALUE_LABELS[value as keyof typeof VALUE_LABELS] : undefined;
  return label ? ui[label] : String(value);
}

export function confirmCardData(ops: Operation[], ui: UiStrings) {
  const src = ops[0]?.source ?? { code: '' };
  return {
    intro: escapeMarkdown(fill(ui.confirmIntro, { code: src.code, server: src.server || src.ip || '?' })),
    operationIds: ops.map((o) => o.id),
    options: ops.map((op) => {
      const action = describeChange(op.change, ui);
      return {
        operationId: op.id,
        action: escapeMarkdown(action),
        confirmTitle: fill(ui.confirmButton, { action: shortAction(op.change, ui) }),
        before: escapeMarkdown(describeValue(op.change.from, ui)),
        after: escapeMarkdown(describeValue(op.change.to, ui)),
        why: escapeMarkdown(whyFor(op.change, ui)),
        powershell: powershellFor(op.change),
      };
    }),
    t: pick(ui, ['confirmTitle', 'confirmWillChange', 'confirmPowershell', 'takesEffect', 'cancel', 'resultBefore', 'resultAfter']),
  };
}

/** Button titles are short; the full sentence is on the card above the button. */
function shortAction(change: Change, ui: UiStrings): string {
  const full = describeChange(change, ui);
  return full.length > 60 ? full.slice(0, 57) + '…' : full;
}

export function chooseConnectorCardData(connectors: string[], source: Operation['source'], ui: UiStrings) {
  return {
    intro: escapeMarkdown(fill(ui.chooseIntro, { server: source.server || source.ip || '?' })),
    first: connectors[0] ?? '',
    choices: connectors.map((c) => ({ title: c, value: c })),
    source: { code: source.code, server: source.server ?? '', ip: source.ip ?? '', port: source.port ?? 25 },
    t: pick(ui, ['chooseTitle', 'chooseLabel', 'chooseButton', 'cancel']),
  };
}

export type FixOutcome = 'applied' | 'undone' | 'unchanged' | 'failed' | 'working' | 'dry-run';

export interface Verification {
  title: string;
  text: string;
  style: 'good' | 'attention' | 'warning' | 'default';
}

export function fixResultCardData(
  op: Operation,
  outcome: FixOutcome,
  ui: UiStrings,
  reason = '',
  extra: { call?: string; verification?: Verification; note?: string } = {},
) {
  // The change that puts things back: to the value the setting had before the fix (as run-fix.ts undoes it).
  const restore = inverseOf(op.change, op.before as Change['to'] | undefined);
  const actor = outcome === 'undone' ? op.undoneBy : op.appliedBy;
  const at = outcome === 'undone' ? op.undoneAt : op.appliedAt;
  const headline = {
    applied: () => fill(ui.resultApplied, { what: doneSentence(op.change, ui) }),
    undone: () => fill(ui.resultUndone, { what: undoneSentence(restore, ui) }),
    unchanged: () => ui.resultUnchanged,
    failed: () => fill(ui.resultFailed, { reason }),
    working: () => fill(ui.working, { action: describeChange(op.status === 'undoing' ? restore : op.change, ui) }),
    'dry-run': () => ui.dryRunHeadline,
  }[outcome]();
  const facts =
    outcome === 'applied' || outcome === 'undone'
      ? [
          { title: ui.resultBefore, value: escapeMarkdown(describeValue(outcome === 'undone' ? op.after : op.before, ui)) },
          { title: ui.resultAfter, value: escapeMarkdown(describeValue(outcome === 'undone' ? op.before : op.after, ui)) },
        ]
      : [];
  return {
    headline: escapeMarkdown(headline),
    color: outcome === 'failed' ? 'attention' : outcome === 'working' || outcome === 'dry-run' ? 'default' : 'good',
    by: actor && at && outcome !== 'working' ? escapeMarkdown(fill(ui.resultBy, { name: actor.name, time: formatUtc(at) })) : '',
    facts,
    call: extra.call ?? '',
    verification: extra.verification
      ? { ...extra.verification, title: escapeMarkdown(extra.verification.title), text: escapeMarkdown(extra.verification.text) }
      : null,
    powershell: outcome === 'failed' || outcome === 'working' ? '' : powershellFor(outcome === 'undone' ? restore : op.change),
    note: escapeMarkdown([outcome === 'applied' || outcome === 'undone' ? ui.takesEffect : '', extra.note ?? ''].filter(Boolean).join(' ')),
    undo: outcome === 'applied' ? { title: ui.undo, operationId: op.id } : null,
    // A failed apply may be pressed again (the operation is back in a state Confirm accepts).
    retry: outcome === 'failed' && op.status === 'failed' ? { title: ui.retryFix, operationId: op.id } : null,
  };
}

export function auditCardData(entries: AuditEntry[], ui: UiStrings) {
  return {
    entries: entries.map((e) => {
      const words = auditWords(e, ui);
      return {
        what: escapeMarkdown(words.what),
        result: words.result,
        resultColor: e.result === 'applied' || e.result === 'undone' ? 'good' : e.result === 'unchanged' ? 'default' : 'attention',
        who: escapeMarkdown(`${e.actor.name || '?'} (${e.actor.aadObjectId || e.actor.id || '?'})`),
        when: formatUtc(e.at),
        detail: words.detail ? escapeMarkdown(words.detail) : '',
      };
    }),
    t: pick(ui, ['auditTitle', 'auditEmpty']),
  };
}

export function pick<K extends keyof UiStrings>(ui: UiStrings, keys: K[]): Pick<UiStrings, K> {
  const out = {} as Pick<UiStrings, K>;
  for (const k of keys) out[k] = ui[k];
  return out;
}
