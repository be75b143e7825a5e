import type { ExchangeBackend } from '../backends/exchange-backend';
import type { CmdletInput } from '../backends/invoke-command-client';
import { powershellLine, type Change, type ChangeKind, type ChangeOf, type ChangeValues } from '../change';
import type { UiStrings } from '../../render/ui-strings';
import { authoritativeDomain } from './authoritative-domain';
import { disableConnector } from './disable-connector';
import { tlsDomain } from './tls-domain';
import type { PlanInput, RemediationKind } from './remediation-kind';

export type { FailingDestination, PlanInput, RemediationKind } from './remediation-kind';

/**
 * Every kind of Fix now, in one table. A kind missing a part, or a change kind without a module, does not
 * compile. Adding one: a module beside these, its row here, its kind in the knowledge files.
 */
export const remediationKinds = {
  'connector-enabled': disableConnector,
  'accepted-domain-type': authoritativeDomain,
  'connector-tls-domain': tlsDomain,
} satisfies { [K in ChangeKind]: RemediationKind<K> };

export function isChangeKind(value: unknown): value is ChangeKind {
  return typeof value === 'string' && Object.hasOwn(remediationKinds, value);
}

/** The kind module of a change, typed for it (TypeScript cannot pair a union's members with a table's rows). */
function kindOf<K extends ChangeKind>(change: ChangeOf<K>): RemediationKind<K> {
  return remediationKinds[change.kind] as unknown as RemediationKind<K>;
}

/** The changes the given kinds propose, in the order the kinds are listed. */
export function planChanges(kinds: readonly ChangeKind[], input: PlanInput): Change[] {
  return kinds.flatMap((k) => remediationKinds[k].plan(input) as Change[]);
}

export const readSetting = (exchange: ExchangeBackend, change: Change): Promise<ChangeValues[ChangeKind] | undefined> =>
  kindOf(change).read(exchange, change.target);
export const applySetting = (exchange: ExchangeBackend, change: Change): Promise<ChangeValues[ChangeKind]> => kindOf(change).apply(exchange, change as never);
export const cmdletFor = (change: Change): CmdletInput => kindOf(change).cmdlet(change as never);
export const powershellFor = (change: Change): string => powershellLine(cmdletFor(change));
export const describeChange = (change: Change, ui: UiStrings): string => kindOf(change).describe(change as never, ui);
export const buttonFor = (change: Change, ui: UiStrings): string => kindOf(change).button(change as never, ui);
export const doneSentence = (change: Change, ui: UiStrings): string => kindOf(change).done(change as never, ui);
/** `restore` is the change that put the setting back (inverseOf the one undone, to the value it had). */
export const undoneSentence = (restore: Change, ui: UiStrings): string => kindOf(restore).undone(restore as never, ui);
export const whyFor = (change: Change, ui: UiStrings): string => kindOf(change).why(ui);

/** What Fix now does with these kinds, as one phrase for the card's hint ("disables … or makes …"). */
export const offerOf = (kinds: readonly ChangeKind[], ui: UiStrings): string => kinds.map((k) => remediationKinds[k].offer(ui)).join(ui.or);
