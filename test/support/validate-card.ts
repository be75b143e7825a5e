// Microsoft's Adaptive Cards library; its lib/ build does not load in Node, its dist/ bundle does.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const AC = require('adaptivecards/dist/adaptivecards.js');

/** Parse and validation events from Microsoft's renderer library for a card, limited to version 1.5. */
export function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const json = card as { type?: string; version?: string };
  if (json?.type !== 'AdaptiveCard') problems.push(`type is ${json?.type}`);
  const [major, minor] = String(json?.version ?? '')
    .split('.')
    .map(Number);
  if (!(major === 1 && minor <= 5)) problems.push(`version ${json?.version} is not 1.0-1.5`);
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(new AC.Version(1, 5));
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  return problems;
}

/** Size of a message as Teams counts it: the whole activity JSON. */
export function messageBytes(activity: unknown): number {
  return Buffer.byteLength(JSON.stringify(activity), 'utf8');
}

/** What a Markdown renderer shows for escaped text: `\\[` is shown as `[`. */
const shown = (markdown: unknown) => String(markdown).replace(/\\([\\`*_[\]<>~#+\-.!()|{}])/g, '$1');

/** Visits every element and action of a card, depth first, without entering action data. */
function eachNode(card: any, visit: (node: any) => void): void {
  const walk = (node: any) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    visit(node);
    for (const [k, v] of Object.entries(node)) if (k !== 'data' && typeof v === 'object') walk(v);
  };
  walk(card);
}

/** Every text a user sees on the card, in order (TextBlock, TextRun, facts, button titles, choices). */
export function visibleTexts(card: any): string[] {
  const out: string[] = [];
  eachNode(card, (node) => {
    if (node.type === 'TextBlock') out.push(shown(node.text));
    if (node.type === 'TextRun') out.push(String(node.text));
    if (node.type === 'FactSet') for (const f of node.facts ?? []) out.push(`${shown(f.title)}: ${shown(f.value)}`);
    if (typeof node.type === 'string' && node.type.startsWith('Action.')) out.push(`[${node.title}]`);
    if (node.type === 'Input.ChoiceSet') for (const c of node.choices ?? []) out.push(`(${c.title})`);
  });
  return out;
}

/** Markdown-capable strings (TextBlock text, fact titles and values): where an unescaped link would be live. */
export function markdownTexts(card: any): string[] {
  const out: string[] = [];
  eachNode(card, (node) => {
    if (node.type === 'TextBlock') out.push(String(node.text));
    if (node.type === 'FactSet') for (const f of node.facts ?? []) out.push(String(f.title), String(f.value));
  });
  return out;
}

/** The actions on a card, wherever they sit (card actions and ActionSets). */
export function cardActions(card: any): any[] {
  const out: any[] = [];
  eachNode(card, (node) => {
    if (typeof node.type === 'string' && node.type.startsWith('Action.')) out.push(node);
  });
  return out;
}
