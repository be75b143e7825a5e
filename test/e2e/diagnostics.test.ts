import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { ADMIN, cardInvoke, teamsMessage } from '../support/activities';
import { cardActions, visibleTexts } from '../support/validate-card';
import { fakeResolver, freePort, makeCertificates, onCommand, startRaw, startSmtp, type StandIn, type TestCertificates } from '../diagnostics/smtp-stand-ins';

const text = (card: any) => visibleTexts(card).join('\n');
let certs: TestCertificates;
const servers: StandIn[] = [];

/** The servers each scenario probes; ports are given at run time. */
type Scenario = { name: string; code?: string; expect: RegExp; start: () => Promise<number> };
const scenarios: Scenario[] = [
  { name: 'a closed port', code: '4.4.316', expect: /Connection refused/, start: () => freePort() },
  { name: 'a server that never answers', code: '4.4.315', expect: /Connection timed out/, start: async () => track(await startRaw(() => {})) },
  {
    name: 'a 421 banner',
    code: '4.4.317',
    expect: /Cannot connect to remote server/,
    start: async () => track(await startSmtp({ onConnect: (_s, cb) => cb(Object.assign(new Error('Service not available'), { responseCode: 421 })) })),
  },
  { name: 'no STARTTLS', code: '4.4.317', expect: /does not offer STARTTLS/, start: async () => track(await startSmtp({ hideSTARTTLS: true })) },
  {
    name: 'a reset mid-session',
    code: '4.4.318',
    expect: /closed abruptly/,
    start: async () =>
      track(
        await startRaw((socket: Socket) => {
          socket.write('220 mail.contoso.test ESMTP\r\n');
          onCommand(socket, () => socket.resetAndDestroy());
        }),
      ),
  },
  { name: 'an expired certificate', code: '4.7.320', expect: /Certificate validation failed/, start: async () => track(await startSmtp({ ...certs.expired })) },
  {
    name: 'a certificate for another name',
    code: '4.7.320',
    expect: /Certificate validation failed/,
    start: async () => track(await startSmtp({ ...certs.otherName })),
  },
  {
    name: 'a self-signed certificate',
    code: '4.7.320',
    expect: /Certificate validation failed/,
    start: async () => track(await startSmtp({ ...certs.selfSigned })),
  },
  {
    name: 'a healthy server with a CA-signed certificate',
    expect: /Healthy: the server answered, offers STARTTLS/,
    start: async () => track(await startSmtp({ ...certs.healthy })),
  },
];
function track(s: StandIn): number {
  servers.push(s);
  return s.port;
}

let bot: Harness;
beforeAll(async () => {
  certs = await makeCertificates();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-ca-'));
  fs.writeFileSync(path.join(dir, 'ca.pem'), certs.ca);
  bot = await startBot(
    { PROBE_ALLOW_PRIVATE: 'true', PROBE_PORTS: '*', PROBE_TIMEOUT_MS: '500', NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'), PROBE_LIMIT_PER_USER: '100' },
    {
      // mail.contoso.test points at 127.0.0.2, where nothing listens; the stand-ins listen on 127.0.0.1 only.
      // No outlook.com here: a name the table lacks fails like the control name does, as when the bot's DNS is down.
      resolver: fakeResolver({ localhost: { a: ['127.0.0.1'] }, 'mail.contoso.test': { a: ['127.0.0.2'] }, '127.0.0.1': { ptr: ['localhost'] } }),
      // Teams cancels a stream sent faster than a request a second; so does the stand-in.
      connector: { enforceStreamRate: true },
    },
  );
});
afterAll(async () => {
  await bot?.stop();
  await Promise.all(servers.map((s) => s.close()));
});

/** Waits for the live card to reach its verdict; returns the posted card's id and every version of it. */
async function finalCard(postedBefore: number): Promise<{ id: string; first: string; last: string; updates: number }> {
  const isFinal = (c: any) => /Microsoft 365 would report|Healthy|Not probed|The server answered/.test(text(c.body.attachments[0].content));
  await bot.connector.waitFor(() => bot.connector.cards().length > postedBefore);
  const posted = bot.connector.cards()[postedBefore];
  await bot.connector.waitFor(() => bot.connector.updates().some((u) => u.activityId === posted.messageId && isFinal(u)), 8000);
  const versions = bot.connector.updates().filter((u) => u.activityId === posted.messageId);
  assertCardsValid(bot.connector);
  return {
    id: posted.messageId,
    first: text(posted.body.attachments[0].content),
    last: text(versions.at(-1)!.body.attachments[0].content),
    updates: versions.length,
  };
}

describe.each(scenarios)('diagnosing $name', (scenario) => {
  let port: number;
  beforeAll(async () => {
    port = await scenario.start();
  });

  it('through the chat command: a checking card, updated in place to the code EOP would report', async () => {
    bot.connector.clear();
    await bot.post(teamsMessage(`diagnose localhost:${port}`, { serviceUrl: bot.connector.url, from: ADMIN, scope: 'channel' }));
    const { first, last, updates } = await finalCard(0);
    expect(first).toContain(`Diagnostics for localhost:${port}`);
    expect(first).toContain('Checking');
    expect(updates).toBeGreaterThanOrEqual(2);
    expect(bot.connector.cards()).toHaveLength(1); // updated in place, never a new message per step
    if (scenario.code) expect(last).toContain(`Microsoft 365 would report 450 ${scenario.code}`);
    else expect(last).not.toContain('would report');
    expect(last).toMatch(scenario.expect);
    expect(last).toContain("ran from the bot's network, not Microsoft's");
  });

  it('through the Run diagnostics button on a pasted connector error', async () => {
    bot.connector.clear();
    await bot.post(
      teamsMessage(`450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=localhost] [LastAttemptedIP=127.0.0.1:${port}]`, {
        serviceUrl: bot.connector.url,
        from: ADMIN,
      }),
    );
    const card = bot.connector.cards()[0];
    const button = cardActions(card.body.attachments[0].content).find((a) => a.verb === 'runDiagnostics');
    expect(button.data).toEqual({ host: 'localhost', ip: '127.0.0.1', port });
    const res = await bot.post(cardInvoke({ verb: button.verb, data: button.data }, { serviceUrl: bot.connector.url, replyToId: card.messageId, from: ADMIN }));
    expect(res.body.statusCode).toBe(200);
    expect(res.body.value).toContain(`Running diagnostics for localhost:${port}`);
    const { last } = await finalCard(1);
    if (scenario.code) expect(last).toContain(`Microsoft 365 would report 450 ${scenario.code}`);
    expect(last).toMatch(scenario.expect);
  });
});

describe('diagnostics safety', () => {
  it('refuses a name that resolves to a private address by default, without connecting', async () => {
    const server = await startSmtp({});
    servers.push(server);
    const strict = await startBot({ PROBE_PORTS: '*' }, { resolver: fakeResolver({ 'looks-public.example.com': { a: ['127.0.0.1'] } }) });
    try {
      await strict.post(teamsMessage(`diagnose looks-public.example.com:${server.port}`, { serviceUrl: strict.connector.url, from: ADMIN }));
      const all = () => [...strict.connector.cards(), ...strict.connector.updates()].map((c) => text(c.body.attachments[0].content)).join('\n');
      await strict.connector.waitFor(() => all().includes('Not probed'));
      expect(all()).toContain('PROBE_ALLOW_PRIVATE');
      expect(server.accepted()).toBe(0);
    } finally {
      await strict.stop();
    }
  });

  it('refuses a port outside PROBE_PORTS and explains the command on a bad target', async () => {
    const strict = await startBot({ PROBE_ALLOW_PRIVATE: 'true' });
    try {
      await strict.post(teamsMessage('diagnose 203.0.113.5:8080', { serviceUrl: strict.connector.url, from: ADMIN }));
      await strict.post(teamsMessage('diagnose http://evil.example/x', { serviceUrl: strict.connector.url, from: ADMIN }));
      await strict.connector.waitFor(() => {
        const all = [...strict.connector.cards(), ...strict.connector.updates()].map((c) => text(c.body.attachments[0].content)).join('\n');
        return all.includes('PROBE_PORTS') && all.includes('Usage: diagnose');
      });
    } finally {
      await strict.stop();
    }
  });
});

/** Waits for the finished card (the one with Run again) that follows the cards posted before; returns it and its text. */
async function finishedCard(on: Harness, postedBefore: number): Promise<{ id: string; card: any; text: string }> {
  const rerun = (u: any) => cardActions(u.body.attachments[0].content).some((a) => a.verb === 'runDiagnostics');
  await on.connector.waitFor(() => on.connector.cards().length > postedBefore);
  const posted = on.connector.cards()[postedBefore];
  await on.connector.waitFor(() => on.connector.updates().some((u) => u.activityId === posted.messageId && rerun(u)), 8000);
  const card = on.connector.updates().find((u) => u.activityId === posted.messageId && rerun(u))!.body.attachments[0].content;
  assertCardsValid(on.connector);
  return { id: posted.messageId, card, text: text(card) };
}

describe('diagnostics in plain words', () => {
  it('says a refused port in words, with the time of each check, one line for what did not run, the PTR name, and Run again', async () => {
    const port = await freePort();
    bot.connector.clear();
    await bot.post(teamsMessage(`diagnose localhost:${port}`, { serviceUrl: bot.connector.url, from: ADMIN }));
    const { id, card, text: shown } = await finishedCard(bot, 0);
    expect(shown).toContain(`Connection refused (ECONNREFUSED): nothing listens on port ${port} at 127.0.0.1`);
    expect(shown).not.toMatch(/(^|[^(])ECONNREFUSED/m);
    expect(shown).toMatch(/^\d+ ms$/m);
    expect(shown).toContain('Not run: SMTP banner, EHLO, STARTTLS, TLS handshake, Certificate — the connection failed');
    expect(shown).toContain('127.0.0.1 → localhost');
    const again = cardActions(card).find((a) => a.verb === 'runDiagnostics');
    expect(again).toMatchObject({ type: 'Action.Execute', title: 'Run again', data: { host: 'localhost', port, ip: '' } });

    const res = await bot.post(cardInvoke({ verb: again.verb, data: again.data }, { serviceUrl: bot.connector.url, replyToId: id, from: ADMIN }));
    expect(res.body.value).toContain(`Running diagnostics for localhost:${port}`);
    const rerun = await finishedCard(bot, 1);
    expect(rerun.text).toContain(`Diagnostics for localhost:${port}`);
    expect(rerun.text).toContain('Microsoft 365 would report 450 4.4.316');
  });

  it('in Russian too', async () => {
    const port = await freePort();
    bot.connector.clear();
    await bot.post(teamsMessage(`diagnose localhost:${port}`, { serviceUrl: bot.connector.url, from: ADMIN, locale: 'ru-RU' }));
    const { text: shown } = await finishedCard(bot, 0);
    expect(shown).toContain(`В подключении отказано (ECONNREFUSED): на 127.0.0.1 порт ${port} никто не слушает`);
    expect(shown).toMatch(/^\d+ мс$/m);
    expect(shown).toContain('Не выполнялись: Приветствие SMTP, EHLO, STARTTLS, Согласование TLS, Сертификат — подключиться не удалось');
  });

  it('answers a bare diagnose with what it checks and an example of each form', async () => {
    bot.connector.clear();
    await bot.post(teamsMessage('diagnose', { serviceUrl: bot.connector.url, from: ADMIN }));
    await bot.connector.waitFor(() => bot.connector.cards().length > 0);
    const shown = text(bot.connector.cards()[0].body.attachments[0].content);
    expect(shown).toContain('Diagnose a mail server');
    expect(shown).toContain('diagnose mail.contoso.com — the smart host by name, on port 25');
    expect(shown).toContain('diagnose mail.contoso.com 203.0.113.5');
    expect(shown).not.toContain('Usage:');
  });

  it("says the bot's own DNS is broken, not 4.4.312, when the control name does not resolve either", async () => {
    bot.connector.clear();
    await bot.post(teamsMessage('diagnose nowhere.contoso.test', { serviceUrl: bot.connector.url, from: ADMIN }));
    const { text: shown } = await finishedCard(bot, 0);
    expect(shown).toContain("This bot's own DNS isn't answering (it could not resolve outlook.com either), so this says nothing about nowhere.contoso.test.");
    expect(shown).not.toMatch(/would report|4\.4\.312/);
  });

  it('predicts 4.4.312 when the DNS_CHECK_NAME resolves and the target does not', async () => {
    const own = await startBot(
      { PROBE_ALLOW_PRIVATE: 'true', DNS_CHECK_NAME: 'control.contoso.test' },
      { resolver: fakeResolver({ 'control.contoso.test': { a: ['192.0.2.1'] } }) },
    );
    try {
      await own.post(teamsMessage('diagnose nowhere.contoso.test', { serviceUrl: own.connector.url, from: ADMIN }));
      const { text: shown } = await finishedCard(own, 0);
      expect(shown).toContain('Microsoft 365 would report 450 4.4.312');
      expect(shown).toContain('Name not found (ENOTFOUND): nowhere.contoso.test does not exist in DNS');
    } finally {
      await own.stop();
    }
  });

  it('probes the IP from the paste too and says which answered (the Run diagnostics data { host, port, ip })', async () => {
    const server = await startSmtp({ ...certs.healthy });
    servers.push(server);
    bot.connector.clear();
    const data = { host: 'mail.contoso.test', port: server.port, ip: '127.0.0.1' };
    const res = await bot.post(cardInvoke({ verb: 'runDiagnostics', data }, { serviceUrl: bot.connector.url, replyToId: 'paste-card', from: ADMIN }));
    expect(res.body.value).toContain(`Running diagnostics for mail.contoso.test:${server.port} and 127.0.0.1`);
    const { card, text: shown } = await finishedCard(bot, 0);
    expect(shown).toContain('mail.contoso.test (resolves to 127.0.0.2) refused; 127.0.0.1, the address in your paste, answered.');
    expect(shown).toContain('127.0.0.1, the address in your paste');
    expect(shown).toContain(`Connection refused (ECONNREFUSED): nothing listens on port ${server.port} at 127.0.0.2`);
    expect(shown).toContain('Microsoft 365 would report 450 4.4.316');
    expect(server.accepted()).toBe(1);
    expect(cardActions(card).find((a) => a.verb === 'runDiagnostics').data).toEqual(data);
    expect(bot.connector.cards()).toHaveLength(1);
  });

  it('keeps the pasted IP under the address rules: a private one is not probed by default', async () => {
    const server = await startSmtp({});
    servers.push(server);
    const strict = await startBot(
      { PROBE_PORTS: '*' },
      { resolver: fakeResolver({ 'outlook.com': { a: ['52.96.0.1'] }, 'mail.contoso.test': { error: 'ESERVFAIL' } }) },
    );
    try {
      await strict.post(teamsMessage(`diagnose mail.contoso.test:${server.port} 127.0.0.1`, { serviceUrl: strict.connector.url, from: ADMIN }));
      const { text: shown } = await finishedCard(strict, 0);
      expect(shown).toContain('DNS server failure (ESERVFAIL)');
      expect(shown).toContain('127.0.0.1, the address in your paste, was not probed.');
      expect(shown).toContain('PROBE_ALLOW_PRIVATE');
      expect(server.accepted()).toBe(0);
    } finally {
      await strict.stop();
    }
  });
});

describe('progress while the card fills', () => {
  const typing = () => bot.connector.calls.filter((c) => c.method === 'POST' && c.body?.type === 'typing');
  // Teams reads the stream from the streamInfo entity, and wants channelData to carry the same streamId.
  const streamInfo = (c: any) => {
    const entity = c.body.entities?.find((e: any) => e.type === 'streaminfo');
    if (entity) expect(c.body.channelData?.streamId).toBe(entity.streamId);
    return entity;
  };

  it('streams informative updates in a 1:1 chat, numbered in order under one stream, a second apart, and ends the stream', async () => {
    const server = await startSmtp({ ...certs.healthy });
    servers.push(server);
    bot.connector.clear();
    await bot.post(teamsMessage(`diagnose localhost:${server.port}`, { serviceUrl: bot.connector.url, from: ADMIN }));
    // This diagnosis's stream, by the id of its first update (an earlier test's final message may still land).
    const first = () => typing().find((c) => c.body.text === `Checking localhost:${server.port} the way Microsoft 365 reaches it…`);
    const ofStream = (c: any) => streamInfo(c)?.streamId === first()?.messageId;
    const final = () =>
      bot.connector.calls.find((c) => c.method === 'POST' && c.body?.type === 'message' && streamInfo(c)?.streamType === 'final' && ofStream(c));
    await bot.connector.waitFor(() => !!final(), 8000);
    const updates = [first()!, ...typing().filter(ofStream)];
    // The start at once; the checks, milliseconds apart on loopback, shown by the latest a second later.
    expect(updates.map((u) => streamInfo(u).streamSequence)).toEqual(updates.map((_, i) => i + 1));
    expect(updates.every((u) => streamInfo(u).streamType === 'informative')).toBe(true);
    expect(streamInfo(updates[0]).streamId).toBeUndefined();
    // A second apart at least, as Teams requires of a stream: none of it was refused.
    const stream = [...updates, final()!];
    for (let i = 1; i < stream.length; i++) expect(stream[i]!.at - stream[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(bot.connector.refused.filter((r) => r.status === 403)).toHaveLength(0);
    expect(final()!.body.text).toContain('it answers as Microsoft 365 needs');
    // The final message comes after every update of the card.
    const order = bot.connector.calls.map((c) => c);
    expect(order.indexOf(final()!)).toBeGreaterThan(order.lastIndexOf(bot.connector.updates().at(-1)!));
  }, 20_000);

  it('shows a plain typing indicator in a channel, where Teams does not stream', async () => {
    const server = await startSmtp({ ...certs.healthy });
    servers.push(server);
    bot.connector.clear();
    await bot.post(teamsMessage(`diagnose localhost:${server.port}`, { serviceUrl: bot.connector.url, from: ADMIN, scope: 'channel' }));
    await finalCard(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(typing()).toHaveLength(1);
    expect(streamInfo(typing()[0])).toBeUndefined();
    expect(bot.connector.calls.some((c) => c.body?.entities?.some((e: any) => e.type === 'streaminfo') || c.body?.channelData?.streamType)).toBe(false);
  });
});
