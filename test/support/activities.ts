import fs from 'node:fs';
import path from 'node:path';

const DIR = path.join(__dirname, '..', 'fixtures', 'activities');
let counter = 0;

/** A real captured Teams activity from test/fixtures/activities, without its _source note. */
export function fixtureActivity(name: string): any {
  const json = JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8'));
  delete json._source;
  delete json._notes;
  return json;
}

export type Scope = 'personal' | 'groupChat' | 'channel';

/** The Microsoft 365 organization every test activity comes from, unless a test says otherwise. */
export const TENANT = '3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';

/** Teams states the tenant twice: on the conversation and in channelData. */
function fromTenant(a: any, tenantId: string): void {
  a.conversation = { ...a.conversation, tenantId };
  a.channelData = { ...a.channelData, tenant: { id: tenantId } };
}

const SCOPE_FIXTURE: Record<Scope, string> = {
  personal: 'teams-message-personal-sentry',
  groupChat: 'teams-message-groupchat-mention-zowe',
  channel: 'teams-message-channel-mention-thread-reply',
};

export interface MessageOptions {
  scope?: Scope;
  locale?: string;
  serviceUrl: string;
  from?: { id: string; name: string; aadObjectId: string };
  id?: string;
  /** Teams' HTML rendering of the text, as in the text/html attachment. */
  html?: string;
  tenantId?: string;
}

/**
 * A message as Teams sends it in that scope: in group chats and channels the bot's @mention comes first,
 * as `<at>Name</at>` in text and a mention entity naming the bot's id.
 */
export function teamsMessage(text: string, opts: MessageOptions): any {
  const scope = opts.scope ?? 'personal';
  const a = fixtureActivity(SCOPE_FIXTURE[scope]);
  a.id = opts.id ?? `${Date.now()}${++counter}`;
  a.serviceUrl = opts.serviceUrl;
  a.locale = opts.locale ?? 'en-US';
  a.timestamp = new Date().toISOString();
  fromTenant(a, opts.tenantId ?? TENANT);
  if (opts.from) a.from = opts.from;
  if (scope === 'personal') {
    a.text = text;
    a.entities = (a.entities ?? []).filter((e: any) => e.type !== 'mention');
  } else {
    const mention = a.entities.find((e: any) => e.type === 'mention');
    a.text = `${mention.text} ${text}`;
  }
  a.attachments = opts.html ? [{ contentType: 'text/html', content: opts.html }] : [];
  return a;
}

/** An adaptiveCard/action invoke for a button on a card the bot sent (replyToId = that message's id). */
export function cardInvoke(
  action: { verb: string; data?: Record<string, unknown> },
  opts: {
    serviceUrl: string;
    replyToId: string;
    scope?: 'personal' | 'channel';
    locale?: string;
    id?: string;
    from?: { id: string; name: string; aadObjectId: string };
    conversationId?: string;
    tenantId?: string;
  },
): any {
  const a = fixtureActivity(opts.scope === 'channel' ? 'teams-invoke-adaptivecard-action-manual-channel' : 'teams-invoke-adaptivecard-action-manual-personal');
  a.id = opts.id ?? `f:${Date.now()}-${++counter}`;
  a.serviceUrl = opts.serviceUrl;
  a.replyToId = opts.replyToId;
  a.locale = opts.locale ?? 'en-US';
  if (opts.from) a.from = opts.from;
  if (opts.conversationId) a.conversation.id = opts.conversationId;
  fromTenant(a, opts.tenantId ?? TENANT);
  a.value = { action: { type: 'Action.Execute', verb: action.verb, data: action.data ?? {} }, trigger: 'manual' };
  return a;
}

export const ADMIN = { id: '29:admin-user', name: 'Megan Bowen', aadObjectId: '11111111-2222-3333-4444-555555555555' };
export const STRANGER = { id: '29:other-user', name: 'Alex Wilber', aadObjectId: '99999999-8888-7777-6666-555555555555' };
