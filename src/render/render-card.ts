import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../project-root';
import { compileCard } from './compile-template';

export type CardName =
  | 'diagnosis'
  | 'summary'
  | 'help'
  | 'no-code'
  | 'connectors'
  | 'audit'
  | 'confirm-fix'
  | 'choose-connector'
  | 'fix-result'
  | 'notice'
  | 'diagnostics';

export const CARD_NAMES: readonly CardName[] = [
  'diagnosis', 'summary', 'help', 'no-code', 'connectors', 'audit', 'confirm-fix', 'choose-connector', 'fix-result', 'notice', 'diagnostics',
];

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };
export type RenderCard = (name: CardName, data: object) => AdaptiveCard;

/**
 * A card already written as JSON, as UTF-8 bytes, for cards that are only sent (the answer to a paste):
 * the Bot Connector client sends the bytes as they are (teams/serialize-activity.ts); anything else that
 * serialises it (botbuilder's expectReplies answer, a log) gets the card object through toJSON.
 */
export class CardJson {
  readonly bytes: Buffer;
  constructor(json: Buffer | string) {
    this.bytes = typeof json === 'string' ? Buffer.from(json) : json;
  }
  toJSON(): unknown {
    return JSON.parse(this.bytes.toString('utf8'));
  }
}
export type RenderCardJson = (name: CardName, data: object) => CardJson;

/**
 * Reads and compiles every template in cards/ once, at start-up, into renderCard(name, data) (the card
 * object) and renderCardJson(name, data) (the same card as JSON bytes, for cards that are only sent).
 * Data is bound as data: text that came from a user is never evaluated as a template expression.
 */
export function createCardRenderers(cardsDir = defaultCardsDir()): { renderCard: RenderCard; renderCardJson: RenderCardJson } {
  const compiled = new Map<CardName, ReturnType<typeof compileCard>>();
  for (const [name, template] of readTemplates(cardsDir)) compiled.set(name, compileCard(template));
  return {
    renderCard: (name, data) => compiled.get(name)!.object(data) as AdaptiveCard,
    renderCardJson: (name, data) => new CardJson(compiled.get(name)!.bytes(data)),
  };
}

/** renderCard alone (see createCardRenderers). */
export function createCardRenderer(cardsDir = defaultCardsDir()): RenderCard {
  return createCardRenderers(cardsDir).renderCard;
}

/** The templates in cards/, by name, as parsed JSON. */
export function readTemplates(cardsDir = defaultCardsDir()): Map<CardName, unknown> {
  return new Map(CARD_NAMES.map((name) => [name, JSON.parse(fs.readFileSync(path.join(cardsDir, `${name}.json`), 'utf8'))]));
}

function defaultCardsDir(): string {
  return projectPath('cards');
}
