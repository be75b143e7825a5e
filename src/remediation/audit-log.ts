import { fill } from '../render/text';
import type { UiKey, UiStrings } from '../render/ui-strings';
import type { Store } from '../store/store';
import type { Verb } from './actions';
import type { Actor } from './actor';
import { inverseOf, type Change } from './change';
import { describeChange, doneSentence, undoneSentence } from './kinds';

/** `applying`: written before a change is sent, so that a crash between sending and recording leaves a trace. */
export type AuditResult = 'applying' | 'applied' | 'undone' | 'refused' | 'failed' | 'unchanged' | 'dry-run';

export interface AuditEntry {
  id: string;
  at: string;
  actor: Actor;
  /** The button pressed: fixNow, applyFix, undoFix, ... */
  verb: string;
  change?: Change;
  powershell?: string;
  result: AuditResult;
  before?: unknown;
  after?: unknown;
  detail?: string;
  operationId?: string;
  conversationId?: string;
}

const COLLECTION = 'audit';

/** Append-only: keys start with the time, so the newest come first in a descending list. */
export function createAuditLog(store: Store, clock: () => Date = () => new Date(), newId: () => string = randomId) {
  return {
    async record(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry> {
      const at = clock().toISOString();
      const id = `${at}-${newId()}`;
      const full: AuditEntry = { id, at, ...entry };
      await store.put(COLLECTION, id, full, { ifNoneMatch: true });
      return full;
    },
    async recent(limit = 20): Promise<AuditEntry[]> {
      return (await store.list<AuditEntry>(COLLECTION, { descending: true, limit })).map((s) => s.value);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

function randomId(): string {
  return Math.random().toString(36).slice(2, 10);
}

/** An audit row in the reader's language: what happened and the state it left, the result, and any detail not said already. */
export interface AuditWords {
  what: string;
  result: string;
  detail: string;
}

/** The `audit` command's card and the playground's side panel both show these words. */
export function auditWords(entry: AuditEntry, ui: UiStrings): AuditWords {
  const result = ui[`auditResult.${entry.result}`];
  const detail = entry.detail ?? '';
  const alert = entry.change ? null : ALERT_DETAIL.exec(detail);
  if (alert) {
    const what = alert[2]
      ? fill(ui['audit.alertAck'], { title: alert[1] })
      : alert[3]
        ? fill(ui['audit.alertUnmute'], { title: alert[1] })
        : fill(ui['audit.alertMute'], { title: alert[1], hours: alert[4] });
    return { what, result, detail: '' };
  }
  // A failure's reason is part of the sentence ("Could not disable …: <Exchange's words>").
  if (entry.result === 'failed') {
    const what = fill(ui['audit.failed'], { action: actionOf(entry, ui), reason: detail || '?' });
    return { what: capitalize(what, ui), result, detail: '' };
  }
  return { what: capitalize(sentenceOf(entry, ui), ui), result, detail };
}

/** actions.ts writes an alert's acknowledgement or mute as `alert "<title>" acknowledged`, `… unmuted` or `… muted for <n> h`. */
const ALERT_DETAIL = /^alert "([\s\S]*)" (?:(acknowledged)|(unmuted)|muted for (\d+) h)$/;

/** What a press without a change (or one refused before a change was planned) asked for. */
const VERB_PHRASES = {
  fixNow: 'audit.verb.fixNow',
  chooseConnector: 'audit.verb.chooseConnector',
  applyFix: 'audit.verb.applyFix',
  undoFix: 'audit.verb.undoFix',
  cancelFix: 'audit.verb.cancelFix',
  runDiagnostics: 'audit.verb.runDiagnostics',
  ackAlert: 'audit.verb.ackAlert',
  muteAlert: 'audit.verb.muteAlert',
  unmuteAlert: 'audit.verb.unmuteAlert',
  openError: 'audit.verb.openError',
  refreshCard: 'audit.verb.refreshCard',
  validateConnector: 'audit.verb.validateConnector',
  confirmValidate: 'audit.verb.confirmValidate',
  cancelValidate: 'audit.verb.cancelValidate',
  showAllowList: 'audit.verb.showAllowList',
} satisfies Record<Verb, UiKey>;

function sentenceOf(entry: AuditEntry, ui: UiStrings): string {
  const { change } = entry;
  if (change && entry.result === 'applied') return doneSentence(change, ui);
  if (change && entry.result === 'undone') return fill(ui['audit.asUndo'], { what: undoneSentence(restoreOf(change, entry.after), ui) });
  const action = actionOf(entry, ui);
  if (entry.result === 'refused') return fill(ui['audit.refused'], { action });
  if (entry.result === 'applying') return fill(ui['audit.applying'], { action });
  if (entry.result === 'dry-run') return fill(ui['audit.dryRun'], { action });
  if (entry.result === 'unchanged') return fill(ui['audit.unchanged'], { action });
  return action;
}

/** What was asked for, as a phrase to follow "could not" or "attempt to" ("disable the outbound connector "X""). */
function actionOf(entry: AuditEntry, ui: UiStrings): string {
  const { change, verb } = entry;
  if (!change || verb === 'cancelFix') {
    if (Object.hasOwn(VERB_PHRASES, verb)) return ui[VERB_PHRASES[verb as Verb]];
    // Anything else is a chat command refused to its user (chat/commands.ts audits those with the command's name).
    return fill(ui['audit.command'], { name: verb });
  }
  // An undo refused or failed is recorded with the change it would have undone.
  const asked = verb === 'undoFix' ? inverseOf(change) : change;
  const phrase = lowerFirst(describeChange(asked, ui), ui);
  return verb === 'undoFix' ? fill(ui['audit.asUndo'], { what: phrase }) : phrase;
}

/**
 * A finished undo is recorded with the change that put the setting back (run-fix.ts), or, when it was
 * settled after a restart, with the change undone (settle-interrupted.ts); the value it left tells which.
 */
function restoreOf(change: Change, after: unknown): Change {
  return after === undefined || after === change.to ? change : inverseOf(change);
}

const capitalize = (s: string, ui: UiStrings) => s.charAt(0).toLocaleUpperCase(ui.locale) + s.slice(1);
const lowerFirst = (s: string, ui: UiStrings) => s.charAt(0).toLocaleLowerCase(ui.locale) + s.slice(1);
