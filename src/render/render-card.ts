import fs from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { projectPath } from '../project-root';

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
 * Parses every template in cards/ once, at start-up, and returns renderCard(name, data).
 * Data is bound as data: text that came from a user is never evaluated as a template expression.
 */
export function createCardRenderer(cardsDir = defaultCardsDir()): RenderCard {
  const templates = new Map<CardName, ACData.Template>();
  for (const name of CARD_NAMES) {
    const json = JSON.parse(fs.readFileSync(path.join(cardsDir, `${name}.json`), 'utf8'));
    templates.set(name, new ACData.Template(json));
  }
  return (name, data) => templates.get(name)!.expand({ $root: data }) as AdaptiveCard;
}

function defaultCardsDir(): string {
  return projectPath('cards');
}
