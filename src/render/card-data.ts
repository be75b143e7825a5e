import type { DiagnosisCardData } from './diagnosis-card';
import type { diagnosticsCardData } from './diagnostics-card';
import type { AllowListCardData } from './allowlist-card';
import type { QueueCardData } from './queue-card';
import type { auditCardData, chooseConnectorCardData, confirmCardData, fixResultCardData } from './fix-cards';
import type { confirmValidateCardData, validationResultCardData } from './validation-cards';

/** A line of a fact list: a label and its value (both already escaped for the card). */
export interface Fact {
  title: string;
  value: string;
}

export type CardColor = 'default' | 'good' | 'attention' | 'warning';

export interface NoticeCardData {
  title: string;
  text: string;
  color: CardColor;
  /** On a "working" notice: the button that was pressed, shown disabled until the result replaces the card. */
  pressed?: { title: string; verb: string };
}

export interface CommandLine {
  name: string;
  description: string;
}

export interface HelpCardData {
  title: string;
  intro: string;
  paste: string;
  example: string;
  commands: CommandLine[];
  t: { commands: string; example: string };
}

export interface NoCodeCardData {
  title: string;
  text: string;
  example: string;
  commands: CommandLine[];
  t: { commands: string };
}

export interface SummaryCardData {
  title: string;
  intro: string;
  t: { code: string; destination: string; count: string };
  /** Ranked by impact; a tap on a row posts that error's card (verb openError, data `open`). */
  rows: { code: string; color: 'attention' | 'warning'; scope: string; destination: string; count: string; open: { error: Record<string, unknown> } }[];
  openTitle: string;
  more: string;
  /** The successes of the same paste in one line ("Delivered in the same paste: …"), or ''. */
  delivered: string;
}

/** A paste of success lines only (ParsedError.outcome 'delivered'): delivered, and where to. */
export interface DeliveredCardData {
  title: string;
  text: string;
  deliveries: { code: string; destination: string }[];
  more: string;
  /** The first success line as pasted, shown as plain text (a TextRun). */
  pasted: string;
  t: { code: string; destination: string; pastedTitle: string };
}

export interface ConnectorsCardData {
  connectors: { name: string; state: string; stateColor: 'good' | 'attention'; facts: Fact[]; validate?: { title: string; connector: string } | null }[];
  domains: { name: string; type: string }[];
  backendNote: string;
  t: { connectorsTitle: string; connectorsEmpty: string; domainsTitle: string; domainsEmpty: string };
}

/**
 * The one list of cards: each name is a template in cards/<name>.json, and the data its template binds.
 * renderCard(name, data) only accepts the data of that card.
 */
export interface CardData {
  diagnosis: DiagnosisCardData;
  summary: SummaryCardData;
  delivered: DeliveredCardData;
  help: HelpCardData;
  'no-code': NoCodeCardData;
  connectors: ConnectorsCardData;
  audit: ReturnType<typeof auditCardData>;
  'confirm-fix': ReturnType<typeof confirmCardData>;
  'choose-connector': ReturnType<typeof chooseConnectorCardData>;
  'fix-result': ReturnType<typeof fixResultCardData>;
  notice: NoticeCardData;
  diagnostics: ReturnType<typeof diagnosticsCardData>;
  queue: QueueCardData;
  allowlist: AllowListCardData;
  'validate-connector': ReturnType<typeof confirmValidateCardData>;
  'validation-result': ReturnType<typeof validationResultCardData>;
}

export type CardName = keyof CardData;

/** Every card name, for loading the templates at start-up (TypeScript flags a name missing here). */
export const CARD_NAMES = Object.keys({
  diagnosis: true,
  summary: true,
  delivered: true,
  help: true,
  'no-code': true,
  connectors: true,
  audit: true,
  'confirm-fix': true,
  'choose-connector': true,
  'fix-result': true,
  notice: true,
  diagnostics: true,
  queue: true,
  allowlist: true,
  'validate-connector': true,
  'validation-result': true,
} satisfies Record<CardName, true>) as CardName[];
