import { inverseOf } from '../remediation/change';
import { buttonFor, describeChange, doneSentence, powershellFor, undoneSentence, whyFor } from '../remediation/kinds';
import type { Change } from '../remediation/change';
import type { Operation } from '../remediation/operations';
import { auditWords, type AuditEntry } from '../remediation/audit-log';
import type { AcceptedDomainType, TlsSettings } from '../remediation/backends/exchange-backend';
import { fixNowButtonData } from './card-error';
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

/**
 * The confirmation: each change written out in full above its own short button, and, when the changes
 * are Microsoft's two steps (one of each kind), one button that makes both in order.
 */
export function confirmCardData(ops: Operation[], ui: UiStrings) {
  const src = ops[0]?.source ?? { code: '' };
  const oneOfEachKind = ops.length > 1 && new Set(ops.map((o) => o.change.kind)).size === ops.length;
  return {
    intro: escapeMarkdown(fill(ui.confirmIntro, { code: src.code, server: src.server || src.ip || '?' })),
    operationIds: ops.map((o) => o.id),
    both: oneOfEachKind
      ? {
          title: ui.confirmBoth,
          text: escapeMarkdown(ui.confirmBothText),
          steps: ops.map((op, i) => ({ text: escapeMarkdown(`${i + 1}. ${describeChange(op.change, ui)}`) })),
          operationIds: ops.map((o) => o.id),
        }
      : null,
    orOne: oneOfEachKind ? ui.confirmOr : '',
    options: ops.map((op) => ({
      operationId: op.id,
      action: escapeMarkdown(describeChange(op.change, ui)),
      confirmTitle: buttonFor(op.change, ui),
      before: escapeMarkdown(describeValue(op.change.from, ui)),
      after: escapeMarkdown(describeValue(op.change.to, ui)),
      why: escapeMarkdown(whyFor(op.change, ui)),
      powershell: powershellFor(op.change),
    })),
    t: pick(ui, ['confirmTitle', 'confirmWillChange', 'confirmPowershell', 'takesEffect', 'cancel', 'resultBefore', 'resultAfter']),
  };
}

/** Which connector, when the press cannot tell: nothing is pre-selected, since every choice turns a connector off. */
export function chooseConnectorCardData(connectors: string[], source: Operation['source'], ui: UiStrings) {
  return {
    intro: escapeMarkdown(fill(ui.chooseIntro, { server: source.server || source.ip || '?' })),
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
  extra: {
    call?: string;
    verification?: Verification;
    note?: string;
    /** The changes made before this one in the same press ("Do both"), shown above it. */
    earlier?: { headline: string; powershell: string }[];
    /** Undo takes back every change of the press, the last first. */
    undoIds?: string[];
    /** The title of the button pressed, when it was not this change's own (Do both). */
    pressed?: string;
  } = {},
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
    note: escapeMarkdown(
      [
        outcome === 'applied' || outcome === 'undone' ? ui.takesEffect : '',
        outcome === 'undone' ? fill(ui.undoneFixAgain, { server: op.source.server || op.source.ip || '?' }) : '',
        extra.note ?? '',
      ]
        .filter(Boolean)
        .join(' '),
    ),
    // Already card text: each headline came out of this function.
    earlier: extra.earlier ?? [],
    undo: outcome === 'applied' ? { title: ui.undo, operationIds: extra.undoIds ?? [op.id] } : null,
    // After Undo the error comes back while the server is down: the fix is offered again, on the same card.
    fixAgain: outcome === 'undone' ? { title: ui.fixNow, data: fixNowButtonData(op.source) } : null,
    // After a connector change that leaves it sending, Microsoft 365 can test it (Validate-OutboundConnector).
    verify: verifiable(op, outcome) ? { title: ui['validate.verify'], connector: op.change.target } : null,
    // While it runs, the button that was pressed stays on the card, greyed out, until the result replaces it.
    pressed: outcome === 'working' ? { title: extra.pressed ?? (op.status === 'undoing' ? ui.undo : buttonFor(op.change, ui)) } : null,
    // A failed apply may be pressed again (the operation is back in a state Confirm accepts).
    retry: outcome === 'failed' && op.status === 'failed' ? { title: ui.retryFix, operationId: op.id } : null,
  };
}

/**
 * A connector change applied or undone that leaves the connector enabled: a new TLS domain (Microsoft 365
 * checks the certificate against it on the test), or the connector on again; disabling it leaves nothing to test.
 */
function verifiable(op: Operation, outcome: FixOutcome): boolean {
  if (op.change.kind === 'connector-tls-domain') return outcome === 'applied' || outcome === 'undone';
  if (op.change.kind !== 'connector-enabled') return false;
  return (outcome === 'applied' && op.change.to === true) || (outcome === 'undone' && op.change.from === true);
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
