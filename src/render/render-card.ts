import fs from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';
import { projectPath } from '../project-root';
import { CARD_NAMES, type CardData, type CardName } from './card-data';

export { CARD_NAMES, type CardData, type CardName } from './card-data';

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };
export type RenderCard = <N extends CardName>(name: N, data: CardData[N]) => AdaptiveCard;

/**
 * Reads every template in cards/ once, at start-up, into one adaptivecards-templating Template each, and
 * returns renderCard(name, data), which expands that template with the card's data. The data is bound
 * as `$root`: text that came from a user is a value, never evaluated as a template expression.
 */
export function createCardRenderer(cardsDir = defaultCardsDir()): RenderCard {
  const templates = new Map<CardName, Template>();
  for (const [name, json] of readTemplates(cardsDir)) templates.set(name, new Template(json));
  return (name, data) => {
    const template = templates.get(name);
    if (!template) throw new Error(`No card template named "${name}" in ${cardsDir}`);
    return template.expand({ $root: data }) as AdaptiveCard;
  };
}

/** The templates in cards/, by name, as parsed JSON. */
export function readTemplates(cardsDir = defaultCardsDir()): Map<CardName, unknown> {
  return new Map(CARD_NAMES.map((name) => [name, JSON.parse(fs.readFileSync(path.join(cardsDir, `${name}.json`), 'utf8'))]));
}

function defaultCardsDir(): string {
  return projectPath('cards');
}
