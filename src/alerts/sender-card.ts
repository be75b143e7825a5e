/**
 * Cards that monitoring systems post to Teams themselves, read for the bot to post instead. Pure.
 *
 * - Teams Workflows' "When a Teams webhook request is received" takes
 *   `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{…}}]}`.
 * - The retired Office 365 connectors took the legacy `MessageCard` (title, text, sections with
 *   activityTitle/activityText/facts, potentialAction), converted here into Adaptive Card elements.
 *
 * The sender's card is data: it is never expanded as a template (it is placed in the bot's card after the
 * bot's own template was expanded), and whatever would call back into the bot or run elsewhere is taken out
 * (Action.Submit, Action.Execute, Action.Http, inputs, refresh, selectAction; links other than https), so
 * the only buttons that act are the bot's own: Acknowledge, Mute, Fix now.
 */
export interface SenderCard {
  /** Adaptive Card elements, cleaned. */
  body: unknown[];
  /** Action.OpenUrl (https) and Action.ToggleVisibility only. */
  actions: unknown[];
  /** Actions and elements taken out, for the line that says so. */
  removed: number;
}

export type ReadCard = { ok: true; card: SenderCard; title: string; text: string } | { ok: false; status: 413 | 422; message: string };

/** Teams' limit for a card posted by a webhook. */
export const MAX_CARD_BYTES = 28 * 1024;
const MAX_ELEMENTS = 400;
const MAX_TEXT = 64 * 1024;

const ELEMENTS = new Set([
  'TextBlock',
  'RichTextBlock',
  'FactSet',
  'ColumnSet',
  'Column',
  'Container',
  'Image',
  'ImageSet',
  'ActionSet',
  'Table',
  'TableRow',
  'TableCell',
]);
/** Properties that hold more elements (Column, Container, TableCell items; ColumnSet columns; Table rows, row cells). */
const CHILDREN = ['items', 'columns', 'rows', 'cells', 'images'] as const;
/** What an element with no "type" is where the schema lets it be left out; anywhere else it is dropped. */
const IMPLIED: Partial<Record<(typeof CHILDREN)[number], string>> = { columns: 'Column', rows: 'TableRow', cells: 'TableCell', images: 'Image' };

export function readWorkflowCard(o: Record<string, any>): ReadCard {
  const attachment = (o.attachments as unknown[]).find(
    (a): a is Record<string, any> =>
      !!a && typeof a === 'object' && String((a as Record<string, unknown>).contentType).toLowerCase() === 'application/vnd.microsoft.card.adaptive',
  );
  const content = attachment?.content;
  if (!content || typeof content !== 'object' || content.type !== 'AdaptiveCard')
    return {
      ok: false,
      status: 422,
      message: 'The message has no attachment of contentType application/vnd.microsoft.card.adaptive whose content is an AdaptiveCard.',
    };
  const size = Buffer.byteLength(JSON.stringify(content));
  // "Under 28 KB": a card of exactly 28 KB is already one Teams refuses.
  if (size >= MAX_CARD_BYTES)
    return { ok: false, status: 413, message: `The card is ${size} bytes; Teams takes cards under 28 KB (${MAX_CARD_BYTES} bytes). Send a smaller card.` };
  const version = /^(\d+)\.(\d+)$/.exec(String(content.version ?? ''));
  if (!version) return { ok: false, status: 422, message: 'The card has no "version" such as "1.5".' };
  if (Number(version[1]) > 1 || Number(version[2]) > 5)
    return {
      ok: false,
      status: 422,
      message: `The card is version ${content.version}; Teams renders Adaptive Cards up to 1.5. Send it as version 1.5 or lower.`,
    };
  const state = { removed: 0, count: 0, texts: [] as string[] };
  const body = cleanElements(content.body, state);
  const actions = cleanActions(content.actions, state);
  if (!body.length && !actions.length) return { ok: false, status: 422, message: 'The card has nothing in it the bot can show.' };
  const text = state.texts.join('\n').slice(0, MAX_TEXT);
  return { ok: true, card: { body, actions, removed: state.removed }, title: firstLine(state.texts[0]) || 'Card from a Workflow', text };
}

export function readMessageCard(o: Record<string, any>): ReadCard {
  const texts: string[] = [];
  const body: unknown[] = [];
  const block = (value: unknown, extra: Record<string, unknown> = {}) => {
    if (typeof value !== 'string' || !value.trim()) return;
    const text = neutraliseLinks(value.slice(0, 4000));
    texts.push(text);
    body.push({ type: 'TextBlock', text, wrap: true, ...extra });
  };
  block(o.title, { weight: 'Bolder', size: 'Medium' });
  block(o.text);
  for (const s of Array.isArray(o.sections) ? o.sections.slice(0, 20) : []) {
    if (!s || typeof s !== 'object') continue;
    block(s.activityTitle, { weight: 'Bolder', separator: true });
    block(s.activitySubtitle, { isSubtle: true, spacing: 'None' });
    block(s.activityText);
    block(s.title, { weight: 'Bolder' });
    block(s.text);
    const facts = (Array.isArray(s.facts) ? s.facts.slice(0, 40) : [])
      .filter((f: any) => f && typeof f === 'object' && (typeof f.name === 'string' || typeof f.value === 'string'))
      .map((f: any) => fact(f.name, f.value));
    if (facts.length) {
      body.push({ type: 'FactSet', facts });
      for (const f of facts) texts.push(`${f.title}: ${f.value}`);
    }
  }
  let removed = 0;
  const actions: unknown[] = [];
  // A section's own buttons are read like the card's: only an https OpenUri can work from here.
  const sectionActions = (Array.isArray(o.sections) ? o.sections.slice(0, 20) : []).flatMap((s: any) =>
    Array.isArray(s?.potentialAction) ? s.potentialAction.slice(0, 10) : [],
  );
  for (const a of [...(Array.isArray(o.potentialAction) ? o.potentialAction.slice(0, 10) : []), ...sectionActions]) {
    const target = a?.['@type'] === 'OpenUri' ? (Array.isArray(a.targets) ? a.targets : []).map((t: any) => t?.uri).find(isHttps) : undefined;
    if (target && typeof a.name === 'string' && actions.length < 10) actions.push({ type: 'Action.OpenUrl', title: a.name.slice(0, 60), url: target });
    else removed++; // HttpPOST and ActionCard call the sender's service from Teams: they cannot work from the bot's card
  }
  if (!texts.length) {
    block(o.summary);
    if (!texts.length) return { ok: false, status: 422, message: 'The MessageCard has no title, text, summary or sections to show.' };
  }
  return {
    ok: true,
    card: { body, actions, removed },
    title: firstLine(o.title ?? o.summary ?? texts[0]) || 'MessageCard',
    text: texts.join('\n').slice(0, MAX_TEXT),
  };
}

type State = { removed: number; count: number; texts: string[] };

function cleanElements(raw: unknown, state: State, implied?: string): unknown[] {
  if (!Array.isArray(raw)) return [];
  const out: unknown[] = [];
  for (const el of raw) {
    if (++state.count > MAX_ELEMENTS) {
      state.removed++;
      continue;
    }
    const clean = cleanElement(el, state, implied);
    if (clean) out.push(clean);
  }
  return out;
}

function cleanElement(raw: unknown, state: State, implied?: string): Record<string, unknown> | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const el = raw as Record<string, unknown>;
  // A cell, a column and a row have no "type" of their own in some senders' cards; it is written in, so
  // Teams reads the same element wherever the card lands.
  const type = el.type === undefined ? (implied ?? '') : String(el.type);
  if (!ELEMENTS.has(type)) {
    state.removed++;
    return undefined;
  }
  const out: Record<string, unknown> = { type };
  for (const [key, value] of Object.entries(el)) {
    if (key === 'type') continue;
    if (key === 'selectAction' || key === 'refresh' || key.startsWith('$')) {
      state.removed++;
      continue;
    }
    // Ids live apart from the bot's own (its Details toggle targets "details").
    if (key === 'id') out[key] = `sender-${String(value).slice(0, 100)}`;
    else if ((CHILDREN as readonly string[]).includes(key)) out[key] = cleanElements(value, state, IMPLIED[key as (typeof CHILDREN)[number]]);
    else if (key === 'actions') out[key] = cleanActions(value, state);
    else if (key === 'inlines') out[key] = cleanInlines(value, state);
    else if (key === 'url' || key === 'backgroundImage') {
      if (isHttps(value)) out[key] = value;
      else state.removed++;
    } else if (key === 'facts' && Array.isArray(value)) {
      out[key] = value.slice(0, 60).map((f: any) => fact(f?.title, f?.value));
      for (const f of out[key] as Array<{ title: string; value: string }>) state.texts.push(`${f.title}: ${f.value}`);
    } else if (typeof value !== 'object' || value === null) out[key] = value;
    else if (key === 'style' || key === 'height' || key === 'width') out[key] = value;
  }
  if (type === 'TextBlock' && typeof out.text === 'string') {
    out.text = neutraliseLinks(out.text);
    state.texts.push(out.text as string);
  }
  if (type === 'Image' && !out.url) return undefined;
  return out;
}

function cleanInlines(raw: unknown, state: State): unknown[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((r): unknown[] => {
    if (typeof r === 'string') {
      state.texts.push(r);
      return [r];
    }
    if (!r || typeof r !== 'object' || (r as any).type !== 'TextRun' || typeof (r as any).text !== 'string') {
      state.removed++;
      return [];
    }
    const { selectAction, ...run } = r as Record<string, unknown>;
    if (selectAction) state.removed++;
    state.texts.push(String(run.text));
    return [run];
  });
}

function cleanActions(raw: unknown, state: State): unknown[] {
  if (!Array.isArray(raw)) return [];
  const out: unknown[] = [];
  for (const a of raw.slice(0, 10)) {
    const type = a && typeof a === 'object' ? String((a as any).type) : '';
    if (type === 'Action.OpenUrl' && isHttps((a as any).url)) out.push({ type, title: String((a as any).title ?? 'Open').slice(0, 60), url: (a as any).url });
    else if (type === 'Action.ToggleVisibility' && Array.isArray((a as any).targetElements))
      out.push({
        type,
        title: String((a as any).title ?? '').slice(0, 60),
        targetElements: (a as any).targetElements
          .slice(0, 20)
          .map((t: unknown) =>
            typeof t === 'string' ? `sender-${t}` : t && typeof t === 'object' ? { ...(t as object), elementId: `sender-${String((t as any).elementId)}` } : t,
          ),
      });
    else state.removed++; // Submit, Execute, Http, ShowCard with inputs: they would call back into the bot
  }
  return out;
}

/** A fact as Teams shows it: its title and value take markdown, so their links are checked like a TextBlock's. */
function fact(title: unknown, value: unknown): { title: string; value: string } {
  return { title: neutraliseLinks(String(title ?? '').slice(0, 200)), value: neutraliseLinks(String(value ?? '').slice(0, 1000)) };
}

/** Markdown links to anything but https become their words: a javascript: or data: link is never live. */
function neutraliseLinks(text: string): string {
  // A url may hold one level of parentheses, as markdown reads `javascript:alert(1)`; the two branches
  // start on different characters, so the match stays linear.
  return text.replace(/\[([^\]\n]{0,500})\]\(((?:[^()\s]|\([^()\s]{0,200}\)){0,2000})\)/g, (whole, words: string, url: string) =>
    isHttps(url) ? whole : words,
  );
}

function isHttps(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > 2000) return false;
  try {
    return new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
}

function firstLine(v: unknown): string {
  if (typeof v !== 'string') return '';
  return (v.split('\n').find((l) => l.trim()) ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
}
