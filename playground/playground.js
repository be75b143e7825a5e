// The playground: a Teams-like 1:1 chat with the bot, in the browser. It posts Teams-shaped activities to
// the bot's own /api/messages (serviceUrl = the bot's local Bot Connector) and shows what the bot posts
// and updates there, received as Server-Sent Events. Button presses are adaptiveCard/action invokes whose
// answer (the HTTP response) replaces the card, as in Teams.
import { invokeActivity, messageActivity, submitActivity } from './activities.js';
import { hostConfigOf, installMarkdown, renderCard, rendererAvailable } from './card-view.js';
import { el, replaceChildren } from './dom.js';
import { createSidePanel } from './side-panel.js';

const CARD = 'application/vnd.microsoft.card.adaptive';
const MESSAGE = 'application/vnd.microsoft.activity.message';
const ERROR = 'application/vnd.microsoft.error';
const LOCALES = { 'en-US': 'English', 'ru-RU': 'Русский' };

const $ = (id) => document.getElementById(id);
const timeline = $('timeline');
const panel = createSidePanel({ tenantNode: $('tenant'), auditNode: $('audit'), statusNode: $('panel-status') });

const state = {
  session: null,
  events: null,
  locale: stored('locale', 'en-US', Object.keys(LOCALES)),
  theme: stored('theme', matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light', ['light', 'dark']),
  hostConfigs: {},
  /** Bot messages by activity id: { node, content, note, edited, activity, card, version, busy }. */
  messages: new Map(),
  typing: 0,
};

main().catch((err) => showBanner(`The playground could not start: ${err.message}`));

async function main() {
  applyTheme(state.theme);
  $('locale').value = state.locale;
  $('locale').addEventListener('change', (e) => {
    state.locale = e.target.value;
    localStorage.setItem('mfd.locale', state.locale);
  });
  $('theme').addEventListener('click', () => {
    applyTheme(state.theme === 'dark' ? 'light' : 'dark');
    for (const entry of state.messages.values()) paint(entry);
  });
  $('refresh-panel').addEventListener('click', () => panel.refresh());
  $('new-chat').addEventListener('click', () => startConversation().catch((err) => showBanner(err.message)));
  $('composer-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sendComposer();
  });
  $('composer').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendComposer();
    }
  });

  if (rendererAvailable()) installMarkdown();
  else showBanner("Microsoft's Adaptive Cards renderer is missing (the adaptivecards package); run npm install and restart the bot. Cards are shown as JSON until then.");

  const [light, dark, examples] = await Promise.all([getJson('/playground/assets/host-config-light.json'), getJson('/playground/assets/host-config-dark.json'), getJson('/playground/assets/examples.json')]);
  if (rendererAvailable()) state.hostConfigs = { light: hostConfigOf(light), dark: hostConfigOf(dark) };
  renderExamples(examples);
  await startConversation();
  document.body.dataset.ready = 'true';
}

/** A new 1:1 chat: a new conversation id from the bot, and its event stream. */
async function startConversation() {
  state.events?.close();
  state.messages.clear();
  state.session = await getJson('/playground/session');
  if (state.session.botRequiresToken) {
    showBanner('MicrosoftAppId is set, so the bot accepts Bot Framework-authenticated activities only and will refuse this page (401). Run the bot without MicrosoftAppId (local mode) to use the playground.');
  }
  replaceChildren(
    timeline,
    el(
      'div',
      { class: 'system' },
      'A local stand-in for a Teams chat. Paste a delivery error (message trace, NDR, queue error or alert) or pick an example below. ',
      'The page posts Teams activities to the bot at /api/messages; the bot answers through its local Bot Connector, as it would through Teams.',
    ),
  );
  const source = new EventSource(`/playground/events?conversation=${encodeURIComponent(state.session.conversation.id)}`);
  source.addEventListener('activity', (e) => onConnectorEvent(JSON.parse(e.data)));
  source.onopen = () => setConnection('Connected', 'ok');
  source.onerror = () => setConnection(source.readyState === EventSource.CLOSED ? 'Disconnected' : 'Reconnecting…', 'warn');
  state.events = source;
  await panel.refresh();
}

/** A message the bot posted (new) or updated (PUT, in place) through the local Bot Connector. */
function onConnectorEvent(event) {
  const activity = event.activity;
  if (activity.type !== 'message' || activity.conversation?.id !== state.session.conversation.id) return;
  let entry = state.messages.get(activity.id);
  if (!entry) {
    entry = createBotMessage(activity);
    state.messages.set(activity.id, entry);
    const nearBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 80;
    timeline.append(entry.node);
    if (nearBottom) entry.node.scrollIntoView({ block: 'nearest' });
  }
  if (event.kind === 'updated') {
    entry.version += 1;
    entry.edited.hidden = false;
  }
  entry.activity = activity;
  entry.card = cardOf(activity);
  paint(entry);
}

function createBotMessage(activity) {
  const content = el('div', { class: 'content' });
  const note = el('div', { class: 'note', role: 'status', hidden: true });
  const edited = el('span', { class: 'edited', hidden: true }, 'Edited');
  const node = el(
    'article',
    { class: 'message bot', dataset: { activityId: activity.id } },
    el('div', { class: 'avatar', 'aria-hidden': 'true' }, 'MD'),
    el('div', { class: 'bubble' }, el('div', { class: 'meta' }, el('span', { class: 'author' }, state.session.bot.name), el('time', {}, timeOf(activity.timestamp)), edited), content, note),
  );
  return { node, content, note, edited, activity, card: null, version: 0, busy: false };
}

function cardOf(activity) {
  const attachment = (activity.attachments ?? []).find((a) => a?.contentType === CARD);
  return attachment ? attachment.content : null;
}

/** Draws the message's current card (or text) with the current theme's host config. */
function paint(entry) {
  const parts = [];
  if (entry.activity.text) parts.push(el('div', { class: 'text' }, entry.activity.text));
  if (entry.card) {
    let rendered = null;
    if (rendererAvailable()) {
      try {
        rendered = renderCard(entry.card, state.hostConfigs[state.theme], (action) => onCardAction(entry, action));
      } catch (err) {
        parts.push(el('div', { class: 'text error' }, `The card could not be rendered: ${err.message}`));
      }
    }
    parts.push(el('div', { class: 'card' }, rendered ?? el('pre', { class: 'card-json' }, JSON.stringify(entry.card, null, 2))));
  }
  for (const a of entry.activity.attachments ?? []) {
    if (a?.contentType !== CARD) parts.push(el('div', { class: 'text subtle' }, `(an attachment of type ${a?.contentType ?? 'unknown'})`));
  }
  replaceChildren(entry.content, parts);
}

function onCardAction(entry, action) {
  switch (action.kind) {
    case 'execute':
      return invoke(entry, action);
    case 'submit':
      return submit(entry, action);
    case 'openUrl':
      if (/^https?:\/\//i.test(action.url ?? '')) window.open(action.url, '_blank', 'noopener,noreferrer');
      return;
    default:
      setNote(entry, `The playground does not handle ${action.type} buttons.`, 'info');
  }
}

/** Action.Execute: an adaptiveCard/action invoke; its answer replaces the card, or is shown as a note. */
async function invoke(entry, action) {
  if (entry.busy) return;
  setBusy(entry, true);
  setNote(entry, `${action.title || action.verb}…`, 'info');
  const versionAtSend = entry.version;
  try {
    const res = await postActivity(invokeActivity(state.session, action, entry.activity.id, state.locale));
    const body = await res.json().catch(() => null);
    if (!res.ok) return setNote(entry, failureText(res.status, body), 'error');
    if (body?.type === CARD) {
      // The bot may have updated the message for everyone while answering; the later word stays.
      if (entry.version === versionAtSend) {
        entry.card = body.value;
        paint(entry);
      }
      setNote(entry, '', 'info');
    } else if (body?.type === MESSAGE) {
      setNote(entry, String(body.value ?? ''), 'info');
    } else if (body?.type === ERROR) {
      setNote(entry, body.value?.message ?? `The bot answered with error ${body.statusCode}.`, 'error');
    } else {
      setNote(entry, 'The bot answered without a card or a message.', 'info');
    }
  } catch (err) {
    setNote(entry, `Could not reach the bot: ${err.message}`, 'error');
  } finally {
    setBusy(entry, false);
    panel.refresh();
  }
}

/** Action.Submit (older clients): a message whose value is the button's data. */
async function submit(entry, action) {
  setNote(entry, '', 'info');
  await send(submitActivity(state.session, action.data, entry.activity.id, state.locale));
}

function sendComposer() {
  const box = $('composer');
  const text = box.value.trim();
  if (!text) return;
  box.value = '';
  sendText(text);
}

function sendText(text) {
  timeline.append(
    el('article', { class: 'message user' }, el('div', { class: 'bubble' }, el('div', { class: 'meta' }, el('span', { class: 'author' }, state.session.user.name), el('time', {}, timeOf(new Date().toISOString())), el('span', { class: 'locale' }, LOCALES[state.locale])), el('div', { class: 'text' }, text))),
  );
  timeline.lastElementChild.scrollIntoView({ block: 'nearest' });
  return send(messageActivity(state.session, text, state.locale));
}

async function send(activity) {
  setTyping(+1);
  try {
    const res = await postActivity(activity);
    if (!res.ok) systemNote(failureText(res.status, await res.json().catch(() => null)));
  } catch (err) {
    systemNote(`Could not reach the bot: ${err.message}`);
  } finally {
    setTyping(-1);
    panel.refresh();
  }
}

function postActivity(activity) {
  // The token from /playground/session: the bot refuses a browser's POST without it (another site's page could send one).
  const headers = { 'content-type': 'application/json', [state.session.pageTokenHeader]: state.session.pageToken };
  return fetch('/api/messages', { method: 'POST', headers, body: JSON.stringify(activity) });
}

function failureText(status, body) {
  if (status === 401) return 'The bot refused the activity (401): it has MicrosoftAppId set and accepts authenticated requests only. Run it in local mode to use the playground.';
  return `The bot answered HTTP ${status}${body?.error?.message ? `: ${body.error.message}` : ''}.`;
}

function renderExamples(examples) {
  replaceChildren(
    $('examples'),
    (examples.pastes ?? []).map((p) => el('button', { type: 'button', class: 'chip', title: p.text, dataset: { code: p.code }, onclick: () => sendText(p.text) }, p.label)),
    (examples.commands ?? []).map((c) => el('button', { type: 'button', class: 'chip command', onclick: () => sendText(c) }, c)),
  );
}

function setBusy(entry, busy) {
  entry.busy = busy;
  entry.node.classList.toggle('busy', busy);
  entry.node.setAttribute('aria-busy', String(busy));
  // The card's buttons, the pressed one first, cannot be pressed again until its answer arrives.
  for (const button of entry.content.querySelectorAll('button')) button.disabled = busy;
}

function setNote(entry, text, kind) {
  entry.note.textContent = text;
  entry.note.hidden = !text;
  entry.note.dataset.kind = kind;
}

function systemNote(text) {
  timeline.append(el('div', { class: 'system error', role: 'alert' }, text));
}

function setTyping(delta) {
  state.typing = Math.max(0, state.typing + delta);
  $('typing').hidden = state.typing === 0;
}

function setConnection(text, kind) {
  const node = $('connection');
  node.textContent = text;
  node.dataset.kind = kind;
}

function showBanner(text) {
  const banner = $('banner');
  banner.textContent = text;
  banner.hidden = false;
}

function applyTheme(theme) {
  state.theme = theme;
  document.documentElement.dataset.theme = theme;
  localStorage.setItem('mfd.theme', theme);
  $('theme').setAttribute('aria-pressed', String(theme === 'dark'));
}

function stored(name, fallback, allowed) {
  const value = localStorage.getItem(`mfd.${name}`);
  return allowed.includes(value) ? value : fallback;
}

function timeOf(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw new Error(`${path} answered HTTP ${res.status}`);
  return res.json();
}
