import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { ADMIN, teamsMessage } from '../support/activities';
import { cardActions, visibleTexts } from '../support/validate-card';

const TOKEN = 'alert-token-0123456789abcdef';
const PASTE = '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]';
const fixture = (file: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'alerts', file), 'utf8');
const payload = (name: string) => fixture(`${name}.json`);
const text = (c: any) => visibleTexts(c.body.attachments[0].content).join('\n');
const verbs = (c: any) => cardActions(c.body.attachments[0].content).flatMap((a) => (a.verb ? [a.verb] : []));
const auth = { authorization: `Bearer ${TOKEN}` };

let bot: Harness | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

async function subscribed(env: Record<string, string> = {}, opts: Parameters<typeof startBot>[1] = {}) {
  const h = await startBot({ ALERT_WEBHOOK_TOKEN: TOKEN, ...env }, opts);
  await h.post(teamsMessage('subscribe', { serviceUrl: h.connector.url, from: ADMIN, scope: 'channel' }));
  expect(text(h.connector.cards()[0])).toContain('now receives mail flow alerts');
  h.connector.clear();
  return h;
}

/** Cards the alert pipeline posted (new messages in the channel, not replies in a thread). */
const alertPosts = (h: Harness) => h.connector.cards().filter((c) => !c.activityId);

describe('alert webhooks', () => {
  it('turns a text/plain alert into a card with the same diagnosis and buttons as chat, plus Acknowledge and Mute', async () => {
    bot = await subscribed();
    const res = await bot.alert(`Mail flow alert: ${PASTE}`, { ...auth, 'content-type': 'text/plain' });
    expect(res.status).toBe(202);
    await bot.connector.waitFor(() => alertPosts(bot!).length === 1);
    const post = alertPosts(bot)[0];
    expect(post.conversationId).toBe('19:6848757105754c8981c67612732d9aa7@thread.tacv2'); // the channel, not the thread
    const t = text(post);
    expect(t).toContain('Alert: firing');
    expect(t).toContain('450 4.4.316 Connection refused');
    expect(t).toContain('Destination server: mail.contoso.com');
    expect(t).toContain('Occurrences: 1');
    const verbs = cardActions(post.body.attachments[0].content)
      .map((a) => a.verb)
      .filter(Boolean);
    expect(verbs).toEqual(expect.arrayContaining(['fixNow', 'runDiagnostics', 'ackAlert', 'muteAlert']));
    assertCardsValid(bot.connector);
  });

  it.each([
    ['JSON text field', JSON.stringify({ text: PASTE }), '4.4.316'],
    [
      'JSON message field',
      JSON.stringify({ message: 'queue building: 451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain' }),
      '4.4.0',
    ],
    [
      'JSON error field',
      JSON.stringify({ error: '450 4.7.320 Certificate validation failed [Message=SubjectMismatch] [LastAttemptedServerName=smtp.fabrikam.com]' }),
      '4.7.320',
    ],
    [
      'JSON body field',
      JSON.stringify({ body: "Remote Server returned '550 5.7.520 Access denied, Your organization does not allow external forwarding.'" }),
      '5.7.520',
    ],
  ])('accepts %s', async (_name, body, code) => {
    bot = await subscribed();
    expect((await bot.alert(body, auth)).status).toBe(202);
    await bot.connector.waitFor(() => alertPosts(bot!).length === 1);
    expect(text(alertPosts(bot)[0])).toContain(code);
  });

  it('posts one card per Alertmanager alert, and updates it to resolved when the alert resolves', async () => {
    bot = await subscribed();
    expect((await bot.alert(payload('alertmanager-firing'), auth)).status).toBe(202);
    await bot.connector.waitFor(() => alertPosts(bot!).length === 2);
    const cards = alertPosts(bot).map(text);
    expect(cards.join('\n')).toContain('Instance node-a:9100 down');
    expect(cards.join('\n')).toContain('Instance node-b:9100 down');
    expect(cards[0]).toContain('Prometheus Alertmanager');
    const nodeA = alertPosts(bot).find((c) => text(c).includes('node-a'))!;
    expect((await bot.alert(payload('alertmanager-resolved'), auth)).status).toBe(202);
    await bot.connector.waitFor(() => bot!.connector.updates().some((u) => u.activityId === nodeA.messageId && text(u).includes('Alert: resolved')));
    expect(alertPosts(bot)).toHaveLength(2);
  });

  it('reads the Azure Monitor common alert schema', async () => {
    bot = await subscribed();
    expect((await bot.alert(payload('azure-monitor-firing'), auth)).status).toBe(202);
    await bot.connector.waitFor(() => alertPosts(bot!).length === 1);
    const t = text(alertPosts(bot)[0]);
    expect(t).toContain('Azure Monitor');
    expect(t).toContain('4.4.315');
    expect(t).toContain('Severity: Sev1');
  });

  it('answers the Graph validation handshake and accepts Graph change notifications', async () => {
    bot = await subscribed();
    const validation = await fetch(`${bot.url}/api/alerts?validationToken=${encodeURIComponent('Validation: Token+1/abc')}&token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    expect(validation.status).toBe(200);
    expect(validation.headers.get('content-type')).toContain('text/plain');
    expect(await validation.text()).toBe('Validation: Token+1/abc');
    expect((await bot.alert(payload('graph-notification'), {}, `?token=${TOKEN}`)).status).toBe(202);
    await bot.connector.waitFor(() => alertPosts(bot!).length === 1);
    expect(text(alertPosts(bot)[0])).toContain('Microsoft Graph');
  });

  it('takes odd field types in stride: an Azure Monitor severity given as a number still posts, and so do the others', async () => {
    bot = await subscribed();
    const odd = JSON.parse(payload('azure-monitor-firing'));
    odd.data.essentials.severity = 3;
    expect((await bot.alert(JSON.stringify(odd), auth)).status).toBe(202);
    expect((await bot.alert(JSON.stringify({ text: PASTE }), auth)).status).toBe(202);
    await bot.connector.waitFor(() => alertPosts(bot!).length === 2);
    expect(alertPosts(bot).map(text).join('\n')).toContain('Severity: 3');
  });

  it('still posts an alert with no recognisable code, with its text', async () => {
    bot = await subscribed();
    expect((await bot.alert(JSON.stringify({ text: 'Queue length on EXCH01 is 4200 messages' }), auth)).status).toBe(202);
    await bot.connector.waitFor(() => alertPosts(bot!).length === 1);
    expect(text(alertPosts(bot)[0])).toContain('Queue length on EXCH01 is 4200 messages');
  });
});

describe('alert webhook authentication and bad input', () => {
  it('refuses missing and wrong credentials with 401 and posts nothing', async () => {
    bot = await subscribed();
    const body = JSON.stringify({ text: PASTE });
    const ts = String(Math.floor(Date.now() / 1000));
    const wrongSig = crypto.createHmac('sha256', 'not-the-token-at-all').update(`${ts}.${body}`).digest('hex');
    const staleTs = String(Math.floor(Date.now() / 1000) - 3600);
    const staleSig = crypto.createHmac('sha256', TOKEN).update(`${staleTs}.${body}`).digest('hex');
    for (const [headers, query] of [
      [{}, ''],
      [{ authorization: 'Bearer wrong-token-wrong-token' }, ''],
      [{ 'x-signature-256': `sha256=${wrongSig}`, 'x-timestamp': ts }, ''],
      [{ 'x-signature-256': `sha256=${staleSig}`, 'x-timestamp': staleTs }, ''],
      [{}, '?token=nope'],
    ] as Array<[Record<string, string>, string]>) {
      expect((await bot.alert(body, headers, query)).status).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(alertPosts(bot)).toHaveLength(0);
  });

  it('accepts a valid HMAC signature once, and refuses its replay', async () => {
    bot = await subscribed();
    const body = JSON.stringify({ text: PASTE });
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = crypto.createHmac('sha256', TOKEN).update(`${ts}.${body}`).digest('hex');
    const headers = { 'x-signature-256': `sha256=${sig}`, 'x-timestamp': ts };
    expect((await bot.alert(body, headers)).status).toBe(202);
    expect((await bot.alert(body, headers)).status).toBe(401);
    // The same digest in upper case, or with SHA256=, is the same signature: still a replay.
    expect((await bot.alert(body, { ...headers, 'x-signature-256': `SHA256=${sig.toUpperCase()}` })).status).toBe(401);
    const bodyOnly = crypto
      .createHmac('sha256', TOKEN)
      .update(body + ' ')
      .digest('hex');
    expect((await bot.alert(body + ' ', { 'x-signature-256': `sha256=${bodyOnly}`, 'x-timestamp': ts })).status).toBe(202);
  });

  it('answers an oversized body with 413, malformed JSON with 400, an unknown shape with 422', async () => {
    bot = await subscribed();
    expect((await bot.alert('x'.repeat(1024 * 1024 + 10), { ...auth, 'content-type': 'text/plain' })).status).toBe(413);
    const bad = await bot.alert('{"text": ', auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('not valid JSON');
    const unknown = await bot.alert(JSON.stringify({ foo: 'bar' }), auth);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toContain('Alertmanager');
  });

  it('accepts loopback senders without a token when ALERT_WEBHOOK_TOKEN is unset, and says so at start', async () => {
    bot = await startBot({});
    expect(bot.logs.join('\n')).toContain('ALERT_WEBHOOK_TOKEN is not set');
    expect((await bot.alert(JSON.stringify({ text: PASTE }))).status).toBe(202);
  });
});

describe('what is answered 202 is kept', () => {
  const alertmanagerWith = (count: number, alert: (i: number) => object) =>
    JSON.stringify({ version: '4', status: 'firing', alerts: Array.from({ length: count }, (_, i) => alert(i)) });
  const queueAlert = (i: number) => ({
    status: 'firing',
    labels: { alertname: 'MailQueueBuilding' },
    annotations: { summary: 'Outbound queue building', description: PASTE },
    fingerprint: `fp-${i}`,
  });

  it('refuses an Alertmanager payload of 10,000 alerts whole with 413 and the limit in words, and keeps none', async () => {
    bot = await subscribed();
    const body = alertmanagerWith(10_000, (i) => ({ status: 'firing', labels: { alertname: `A${i}` } }));
    expect(body.length).toBeLessThan(1024 * 1024); // under the body limit: the count is what is refused
    const res = await bot.alert(body, auth);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toContain('holds 10000 alerts; at most 500 are accepted in one request, so none of them was kept');
    expect(res.body.error.message).toContain('max_alerts');
    const graph = await bot.alert(JSON.stringify({ value: Array.from({ length: 501 }, (_, i) => ({ changeType: 'updated', resource: `r/${i}` })) }), auth);
    expect(graph.status).toBe(413);
    await new Promise((r) => setTimeout(r, 300));
    expect(alertPosts(bot)).toHaveLength(0);
  });

  it('keeps all 500 alerts of a payload at the limit: one card counts 500 occurrences', async () => {
    bot = await subscribed();
    const res = await bot.alert(alertmanagerWith(500, queueAlert), auth);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(500);
    await bot.connector.waitFor(() => {
      const last = bot!.connector.calls.filter((c) => c.body?.attachments).at(-1);
      return !!last && text(last).includes('Occurrences: 500');
    }, 20_000);
    expect(alertPosts(bot)).toHaveLength(1);
  }, 30_000);
});

describe('hostile JSON', () => {
  const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it.each([
    ['an Azure Monitor alertContext', `{"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":{"alertRule":"r"},"alertContext":${nested(100_000)}}}`],
    ['an Alertmanager label', `{"version":"4","alerts":[{"labels":{"alertname":${nested(100_000)}}}]}`],
    ['a Graph resourceData', `{"value":[{"changeType":"updated","resourceData":${nested(100_000)}}]}`],
  ])('answers %s nested 100,000 levels deep with 422, and the bot keeps serving', async (_name, body) => {
    bot = await subscribed();
    const res = await bot.alert(body, auth);
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('nested more than 64 levels deep');
    expect((await bot.alert(JSON.stringify({ text: PASTE }), auth)).status).toBe(202);
    await bot.connector.waitFor(() => alertPosts(bot!).length === 1);
  });

  it('still accepts an Azure Monitor alert whose alertContext nests ten levels', async () => {
    bot = await subscribed();
    const context = JSON.parse(`${'{"a":'.repeat(10)}"450 4.4.316"${'}'.repeat(10)}`);
    const body = JSON.stringify({ schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: { alertRule: 'Queue' }, alertContext: context } });
    expect((await bot.alert(body, auth)).status).toBe(202);
  });
});

describe('without ALERT_WEBHOOK_TOKEN: programs on this machine only', () => {
  const body = JSON.stringify({ text: PASTE });

  it.each([
    ['a cross-site browser post (Origin)', { origin: 'https://evil.example', 'content-type': 'text/plain' }, 'Origin'],
    ['a browser post with Sec-Fetch-Site only', { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }, 'Sec-Fetch-Site'],
    ['a request through a reverse proxy (Forwarded)', { forwarded: 'for=198.51.100.7;proto=https' }, 'Forwarded'],
    ['a request through a reverse proxy (X-Forwarded-For)', { 'x-forwarded-for': '198.51.100.7' }, 'X-Forwarded-For'],
    ['a request through nginx (X-Real-IP)', { 'x-real-ip': '198.51.100.7' }, 'X-Real-IP'],
    ['a URL-encoded form post', { 'content-type': 'application/x-www-form-urlencoded' }, 'form posts'],
    ['a multipart form post', { 'content-type': 'multipart/form-data; boundary=x' }, 'form posts'],
  ])('refuses %s with 403 and says why, and posts nothing', async (_name, headers, words) => {
    bot = await startBot({});
    await bot.post(teamsMessage('subscribe', { serviceUrl: bot.connector.url, from: ADMIN, scope: 'channel' }));
    bot.connector.clear();
    const res = await bot.alert(body, headers);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('ALERT_WEBHOOK_TOKEN is not set');
    expect(res.body.error.message.toLowerCase()).toContain(words.toLowerCase());
    expect((await bot.alert(body)).status).toBe(202); // the same alert from a program on this machine
    await bot.connector.waitFor(() => alertPosts(bot!).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(alertPosts(bot)).toHaveLength(1);
  });

  it('says at start which requests are accepted', async () => {
    bot = await startBot({});
    expect(bot.logs.join('\n')).toContain('accepts only programs on this machine');
    expect(bot.logs.join('\n')).toContain('X-Forwarded-For');
  });

  it('still accepts a form post, a proxied post and an Origin when the token is set', async () => {
    bot = await subscribed();
    const headers = { ...auth, 'x-forwarded-for': '198.51.100.7', origin: 'https://monitoring.example', 'content-type': 'application/x-www-form-urlencoded' };
    expect((await bot.alert(PASTE, headers)).status).toBe(202);
  });
});

describe('storms, limits and outages', () => {
  it("folds 300 identical alerts in a second into one card that counts 300, within Teams' limits", async () => {
    bot = await subscribed({}, { connector: { enforceRateLimits: true } });
    const body = JSON.stringify({ text: PASTE });
    const results = await Promise.all(Array.from({ length: 300 }, () => bot!.alert(body, auth)));
    expect(results.every((r) => r.status === 202)).toBe(true);
    await bot.connector.waitFor(() => {
      const last = bot!.connector.calls.filter((c) => c.body?.attachments).at(-1);
      return !!last && text(last).includes('Occurrences: 300');
    }, 20_000);
    expect(alertPosts(bot)).toHaveLength(1);
    expect(bot.connector.refused.filter((r) => r.status === 429)).toHaveLength(0);
    const sends = bot.connector.calls.filter((c) => c.body?.attachments).map((c) => c.messageId);
    expect(new Set(sends).size).toBe(1); // every update went to the one card
  }, 30_000);

  it('delivers alerts accepted while Teams was down, after a restart on the same DATA_DIR', async () => {
    bot = await subscribed();
    bot.connector.setDown(true);
    expect((await bot.alert(JSON.stringify({ text: PASTE }), auth)).status).toBe(202);
    expect((await bot.alert(JSON.stringify({ text: '450 4.4.315 Connection timed out [LastAttemptedServerName=relay.contoso.com]' }), auth)).status).toBe(202);
    await bot.connector.waitFor(() => bot!.connector.refused.length >= 1);
    await bot.restart();
    bot.connector.setDown(false);
    await bot.connector.waitFor(() => alertPosts(bot!).length === 2, 15_000);
    const all = alertPosts(bot).map(text).join('\n');
    expect(all).toContain('4.4.316');
    expect(all).toContain('4.4.315');
  }, 30_000);

  it('retires the subscription when Teams answers 404 for the conversation', async () => {
    bot = await subscribed();
    bot.connector.forget('19:6848757105754c8981c67612732d9aa7@thread.tacv2');
    expect((await bot.alert(JSON.stringify({ text: PASTE }), auth)).status).toBe(202);
    await bot.connector.waitFor(() => bot!.connector.refused.some((r) => r.status === 404));
    // The bot retires it once it has read the 404, a moment after the stand-in sent it.
    let listed = '';
    for (let attempt = 0; attempt < 50 && !listed.includes('No conversation receives alerts'); attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 20));
      bot.connector.clear();
      await bot.post(teamsMessage('subscriptions', { serviceUrl: bot.connector.url, from: ADMIN }));
      listed = text(bot.connector.cards()[0]);
    }
    expect(listed).toContain('No conversation receives alerts');
  });
});

describe('an alert card is titled by the alert and shows what its sender said', () => {
  it.each([
    ['a text webhook', 'text-queue-warning.txt', 'text/plain', 'Exchange queue warning on EDGE01', ['Queued messages: 4200']],
    [
      'a JSON alert',
      'json-named-queue-alert.json',
      'application/json',
      'Hybrid outbound queue',
      ['Queued messages: 812', 'Messages: 1290', 'Count (from the sender): 3'],
    ],
    [
      'an Alertmanager alert',
      'alertmanager-queue-firing.json',
      'application/json',
      'MailQueueBuilding: Outbound queue to contoso.mail.protection.outlook.com is building',
      ['Queued messages: 2400', 'Started: 02 Dec 2026 13:20 UTC'],
    ],
    ['an Azure Monitor alert', 'azure-monitor-firing.json', 'application/json', 'EXO outbound queue', ['Started: 22 Mar 2019 13:58 UTC', 'Severity: Sev1']],
    [
      'a Graph security alert',
      'graph-security-alert-delayed.json',
      'application/json',
      'Messages have been delayed',
      ['Queued messages: 2413', 'Started: 02 Dec 2026 12:40 UTC', 'Source: Microsoft Graph (security alert)'],
    ],
  ])('%s: its name heads the card, its counts and start are facts', async (_name, file, contentType, title, facts) => {
    bot = await subscribed();
    expect((await bot.alert(fixture(file), { ...auth, 'content-type': contentType })).status).toBe(202);
    await bot.connector.waitFor(() => alertPosts(bot!).length === 1);
    const post = alertPosts(bot)[0];
    expect(visibleTexts(post.body.attachments[0].content)).toContain(`🔔 Alert: firing: ${title}`);
    for (const fact of facts) expect(text(post)).toContain(fact);
    expect(text(post)).not.toContain('Resolved:'); // Azure's sample has a resolvedDateTime on a Fired alert
    expect(verbs(post)).toEqual(expect.arrayContaining(['ackAlert', 'muteAlert']));
    assertCardsValid(bot.connector);
  });

  it.each([
    ['Alertmanager', 'alertmanager-firing', 'alertmanager-resolved', 'node-a:9100 down', 'Resolved: 09 Jan 2026 21:12 UTC'],
    ['Azure Monitor', 'azure-monitor-firing', 'azure-monitor-resolved', 'EXO outbound queue', 'Resolved: 22 Mar 2019 14:03 UTC'],
    ['Graph', 'graph-security-alert-delayed', 'graph-security-alert-resolved', 'Messages have been delayed', 'Resolved: 02 Dec 2026 14:05 UTC'],
  ])('a resolved %s alert loses Acknowledge and Mute and says when it resolved', async (_name, firing, resolved, title, when) => {
    bot = await subscribed();
    await bot.alert(payload(firing), auth);
    await bot.connector.waitFor(() => alertPosts(bot!).some((c) => text(c).includes(title)));
    const first = alertPosts(bot).find((c) => text(c).includes(title))!;
    await bot.alert(payload(resolved), auth);
    await bot.connector.waitFor(() => bot!.connector.updates().some((u) => u.activityId === first.messageId && text(u).includes('Alert: resolved')));
    const update = bot.connector.updates().find((u) => u.activityId === first.messageId && text(u).includes('Alert: resolved'))!;
    expect(text(update)).toContain(when);
    expect(verbs(update)).not.toContain('ackAlert');
    expect(verbs(update)).not.toContain('muteAlert');
    assertCardsValid(bot.connector);
  });
});
