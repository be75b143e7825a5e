import { describe, expect, it } from 'vitest';
import type { ProbeReport, ProbeStep, StepName } from '../../src/diagnostics/types';
import { LOCALES, loadKnowledge } from '../../src/knowledge/load-knowledge';
import { diagnosticsCardData, stepWords, type DiagnosticsView } from '../../src/render/diagnostics-card';
import { createCardRenderer } from '../../src/render/render-card';
import { loadUiStrings } from '../../src/render/ui-strings';
import { cardActions, cardProblems, visibleTexts } from '../support/validate-card';

const knowledge = loadKnowledge();
const ui = loadUiStrings();
const render = createCardRenderer();

const step = (name: StepName, status: ProbeStep['status'], extra: Partial<ProbeStep> = {}): ProbeStep => ({
  name,
  status,
  outcome: status === 'ok' ? 'OK' : status === 'skipped' ? 'NOT_RUN' : 'FAILED',
  detail: `${name} detail`,
  ms: 120,
  ...extra,
});
const notRunAfter = (failedAt: number, steps: ProbeStep[]): ProbeStep[] => [
  ...steps,
  ...(['dns', 'tcp', 'ptr', 'banner', 'ehlo', 'starttls', 'tls', 'certificate'] as StepName[]).slice(failedAt).map((n) => step(n, 'skipped', { ms: 0 })),
];
/** mail.contoso.com resolves to 203.0.113.9, which refuses port 25 and has no PTR name. */
const refused: ProbeReport = {
  target: { host: 'mail.contoso.com', port: 25, isIp: false },
  addresses: ['203.0.113.9'],
  triedAddress: '203.0.113.9',
  eopCode: '4.4.316',
  healthy: false,
  steps: notRunAfter(3, [
    step('dns', 'ok', { detail: 'mail.contoso.com → 203.0.113.9', peer: 'mail.contoso.com' }),
    step('tcp', 'fail', { outcome: 'REFUSED', errno: 'ECONNREFUSED', peer: '203.0.113.9', detail: 'connect ECONNREFUSED 203.0.113.9:25', ms: 4 }),
    step('ptr', 'warn', { outcome: 'NO_PTR', peer: '203.0.113.9', detail: '203.0.113.9 has no PTR record', ms: 7 }),
  ]),
};
/** 203.0.113.5 answers and names itself mail.contoso.com in reverse DNS. */
const answered: ProbeReport = {
  target: { host: '203.0.113.5', port: 25, isIp: true },
  addresses: ['203.0.113.5'],
  triedAddress: '203.0.113.5',
  ptrNames: ['mail.contoso.com'],
  eopCode: '4.4.317',
  healthy: false,
  steps: notRunAfter(5, [
    step('dns', 'ok', { outcome: 'IP' }),
    step('tcp', 'ok', { detail: 'connected to 203.0.113.5:25' }),
    step('ptr', 'ok', { detail: '203.0.113.5 → mail.contoso.com' }),
    step('banner', 'ok', { detail: '220 mail.contoso.com ESMTP' }),
    step('ehlo', 'fail', { outcome: 'EHLO_REJECTED', detail: '502 go away' }),
  ]),
};

function shown(view: DiagnosticsView, locale: (typeof LOCALES)[number] = 'en') {
  const card = render('diagnostics', diagnosticsCardData(view, locale, knowledge, ui[locale]));
  expect(cardProblems(card)).toEqual([]);
  expect(JSON.stringify(card)).not.toContain('${');
  return { card, text: visibleTexts(card).join('\n') };
}

describe('the diagnostics card in plain words', () => {
  it('says a refused connection in words around the Node code, in both languages', () => {
    expect(shown({ target: 'mail.contoso.com:25', port: 25, steps: [], report: refused }).text).toContain(
      'Connection refused (ECONNREFUSED): nothing listens on port 25 at 203.0.113.9',
    );
    expect(shown({ target: 'mail.contoso.com:25', port: 25, steps: [], report: refused }, 'ru').text).toContain(
      'В подключении отказано (ECONNREFUSED): на 203.0.113.9 порт 25 никто не слушает',
    );
  });

  it.each(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ESERVFAIL', 'ETIMEOUT', 'EPIPE', 'EPROTO'])(
    'has words for %s in every language, never the code alone',
    (code) => {
      for (const locale of LOCALES) {
        for (const name of ['dns', 'tcp', 'ehlo'] as StepName[]) {
          const words = stepWords(step(name, 'fail', { errno: code, peer: 'mail.contoso.com', detail: `raw ${code}` }), ui[locale], 25);
          expect(words).toContain(`(${code})`);
          expect(words.indexOf(`(${code})`)).toBeGreaterThan(3);
          expect(words).not.toContain(ui[locale]['diagErrno.unknown'].replace(' ({code})', ''));
        }
      }
    },
  );

  it('tells a DNS server that refused from a mail server that refused', () => {
    const dns = stepWords(step('dns', 'fail', { errno: 'ECONNREFUSED', peer: 'mail.contoso.com' }), ui.en, 25);
    expect(dns).toMatch(/^No DNS server \(ECONNREFUSED\)/);
    expect(stepWords(step('dns', 'fail', { errno: 'EWEIRD', peer: 'x', detail: 'queryA EWEIRD x' }), ui.en, 25)).toBe(
      'Network error (EWEIRD): queryA EWEIRD x',
    );
  });

  it('shows the time each check took', () => {
    const { card } = shown({ target: 'mail.contoso.com:25', steps: [], report: refused });
    const rows = diagnosticsCardData({ target: 'mail.contoso.com:25', steps: [], report: refused }, 'en', knowledge, ui.en).probes[0].steps;
    expect(rows.map((r) => r.ms)).toEqual(['120 ms', '4 ms', '7 ms']);
    expect(visibleTexts(card)).toContain('4 ms');
  });

  it('puts the checks that did not run on one line saying why, not a row each', () => {
    const { text } = shown({ target: 'mail.contoso.com:25', steps: [], report: refused });
    expect(text).toContain('Not run: SMTP banner, EHLO, STARTTLS, TLS handshake, Certificate — the connection failed');
    expect(text).not.toMatch(/^Not run$/m);
    const ru = shown({ target: 'mail.contoso.com:25', steps: [], report: refused }, 'ru').text;
    expect(ru).toContain('Не выполнялись: Приветствие SMTP, EHLO, STARTTLS, Согласование TLS, Сертификат — подключиться не удалось');
  });

  it('shows reverse DNS of the address tried, and says so in words when there is none', () => {
    expect(shown({ target: 'mail.contoso.com:25', steps: [], report: refused }).text).toContain('203.0.113.9 has no reverse DNS (PTR) name');
    expect(shown({ target: '203.0.113.5:25', steps: [], report: answered }).text).toContain('203.0.113.5 → mail.contoso.com');
  });

  it('offers Run again with the same data on the finished card only', () => {
    const rerun = { host: 'mail.contoso.com', port: 25, ip: '203.0.113.5' };
    const done = shown({ target: 'mail.contoso.com:25', steps: [], report: refused, rerun });
    expect(cardActions(done.card).find((a) => a.verb === 'runDiagnostics')).toMatchObject({ type: 'Action.Execute', title: 'Run again', data: rerun });
    const running = shown({ target: 'mail.contoso.com:25', steps: refused.steps.slice(0, 2) });
    expect(cardActions(running.card).some((a) => a.verb === 'runDiagnostics')).toBe(false);
    expect(running.text).toContain('Checking');
  });

  it('blames the bot’s own DNS, without an EOP code, when the control name failed too', () => {
    const broken: ProbeReport = {
      target: { host: 'mail.contoso.com', port: 25, isIp: false },
      addresses: [],
      healthy: false,
      botDnsBroken: { checkName: 'outlook.com' },
      steps: notRunAfter(1, [step('dns', 'fail', { outcome: 'BOT_DNS_BROKEN', errno: 'ENOTFOUND', peer: 'mail.contoso.com' })]),
    };
    const { text } = shown({ target: 'mail.contoso.com:25', steps: [], report: broken });
    expect(text).toContain("This bot's own DNS isn't answering (it could not resolve outlook.com either), so this says nothing about mail.contoso.com.");
    expect(text).not.toMatch(/would report|4\.4\.312/);
    expect(text).toContain('Neither mail.contoso.com nor the control name resolved');
  });

  it('compares the name with the IP in the paste and says which answered', () => {
    const view = { target: 'mail.contoso.com:25', port: 25, steps: [], report: refused, pasteIp: { ip: '203.0.113.5', steps: [], report: answered } };
    const { text } = shown(view);
    expect(text).toContain('mail.contoso.com (resolves to 203.0.113.9) refused; 203.0.113.5, the address in your paste, answered.');
    expect(text).toContain('203.0.113.5, the address in your paste');
    expect(text).toContain('Microsoft 365 would report 450 4.4.316');
    expect(shown(view, 'ru').text).toContain(
      'mail.contoso.com (адрес 203.0.113.9) отказал в подключении; 203.0.113.5 — адрес из вставленного текста — ответил.',
    );
    const running = shown({ ...view, pasteIp: { ip: '203.0.113.5', steps: [answered.steps[0]] } });
    expect(running.text).toContain('Checking');
    expect(running.text).not.toContain('answered.');
  });

  it('says once when the name resolves to the pasted address', () => {
    const same = { ...refused, addresses: ['203.0.113.5'] };
    const { text } = shown({ target: 'mail.contoso.com:25', steps: [], report: same, pasteIp: { ip: '203.0.113.5', steps: [], sameAsName: true } });
    expect(text).toContain('mail.contoso.com resolves to 203.0.113.5, the address in your paste, so that address was probed once.');
    expect(text).not.toContain('Checking');
  });
});
