import type { AcceptedDomain, ExchangeBackend, OutboundConnector } from '../backends/exchange-backend';
import type { CmdletInput } from '../backends/invoke-command-client';
import type { ChangeKind, ChangeOf, ChangeValues } from '../change';
import type { UiStrings } from '../../render/ui-strings';
import type { CertificateSighting } from '../certificate-sightings';

/** Where the failing mail was going, from the paste or the alert. */
export interface FailingDestination {
  server?: string;
  ip?: string;
  recipient?: string;
  /** The port the failure was on, when the error names it (LastAttemptedIP=…:25). */
  port?: number;
}

/** What a kind plans from: the destination, the tenant as it is now, and the connector a user chose, if any. */
export interface PlanInput {
  destination: FailingDestination;
  connectors: OutboundConnector[];
  domains: AcceptedDomain[];
  /** Chosen on the choose-connector card when no connector's smart host matched the destination. */
  chosenConnector?: OutboundConnector;
  /** The certificate the bot's probe saw lately on the destination (certificate-sightings.ts). */
  certificate?: CertificateSighting;
}

/**
 * One kind of Fix now: everything the bot needs to offer, confirm, apply, audit and undo one setting.
 * A kind is one module in this folder and one row in the table (kinds/index.ts); the knowledge files
 * name the kinds each error code offers.
 */
export interface RemediationKind<K extends ChangeKind> {
  /** The changes this kind proposes for a failing destination; none when it does not apply. */
  plan(input: PlanInput): ChangeOf<K>[];
  /** The setting as it is now (undefined: the object is not in the tenant). */
  read(exchange: ExchangeBackend, target: string): Promise<ChangeValues[K] | undefined>;
  /** Makes the change; returns the value Exchange reports afterwards. Undo is apply of the inverse. */
  apply(exchange: ExchangeBackend, change: ChangeOf<K>): Promise<ChangeValues[K]>;
  /** The cmdlet call that makes the change: the PowerShell line and the dry run's HTTP call come from it. */
  cmdlet(change: ChangeOf<K>): CmdletInput;
  /** The full sentence ("Disable the outbound connector "X""), written above the confirm button. */
  describe(change: ChangeOf<K>, ui: UiStrings): string;
  /** The confirm button's title: two or three words that never get cut ("Disable connector"). */
  button(change: ChangeOf<K>, ui: UiStrings): string;
  /** The change once made, past tense ("the outbound connector "X" was disabled"): result cards and the audit. */
  done(change: ChangeOf<K>, ui: UiStrings): string;
  /** An undo once made; `change` is the one that put the setting back ("the outbound connector "X" was enabled again"). */
  undone(change: ChangeOf<K>, ui: UiStrings): string;
  /** Why this helps, one sentence. */
  why(ui: UiStrings): string;
  /** What Fix now does with this kind, as a phrase for the card's hint ("disables the outbound connector"). */
  offer(ui: UiStrings): string;
}
