import { describe, expect, it } from 'vitest';
import { answerPaste } from '../../src/chat/answer-paste';
import { commandList, helpCard } from '../../src/chat/commands';
import { explainCode } from '../../src/knowledge/explain-code';
import { LOCALES, loadKnowledge } from '../../src/knowledge/load-knowledge';
import type { ParsedError } from '../../src/parse/types';
import type { Operation } from '../../src/remediation/operations';
import { diagnosisCardData } from '../../src/render/diagnosis-card';
import { auditCardData, chooseConnectorCardData, confirmCardData, fixResultCardData } from '../../src/render/fix-cards';
import { CARD_NAMES, createCardRenderer, type AdaptiveCard, type CardName, type RenderCard } from '../../src/render/render-card';
import { loadUiStrings } from '../../src/render/ui-strings';
import { diagnosticsCardData } from '../../src/render/diagnostics-card';
import { alertCardData } from '../../src/render/alert-card';
import type { ProbeReport, ProbeStep } from '../../src/diagnostics/types';
import { cardProblems, messageBytes, visibleTexts } from '../support/validate-card';
import { createSimulatedSignals } from '../../src/signals/simulated-signals';
import { sampleSignals } from '../../src/signals/sample-signals';
import { readQueue } from '../../src/signals/read-queue';
import { queueCardData } from '../../src/render/queue-card';
import { parseErrors } from '../../src/parse/parse-errors';
import { SAMPLE_TENANT } from '../../src/remediation/backends/simulated-exchange';
import { simulateValidation } from '../../src/remediation/backends/simulate-validation';
import { confirmValidateCardData, validationResultCardData } from '../../src/render/validation-cards';
import { allowListCardData } from '../../src/render/allowlist-card';

const knowledge = loadKnowledge();
const ui = loadUiStrings();
const render = createCardRenderer();
const now = new Date('2023-06-14T12:00:00Z');
const rendered = new Set<CardName>();
const tenant = { view: { connectors: SAMPLE_TENANT.connectors, domains: SAMPLE_TENANT.acceptedDomains } };
/** Every card rendered here is remembered, so that a test can check each template was exercised. */
const renderCard: RenderCard = (name, data) => {
  rendered.add(name);
  return render(name, data);
};

function expectValid(card: AdaptiveCard) {
  expect(cardProblems(card)).toEqual([]);
  // The sample data holds no "${": any left is a binding the template did not fill.
  expect(JSON.stringify(card)).not.toContain('${');
  expect(messageBytes({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] })).toBeLessThan(28 * 1024);
}

const richError = (code: string): ParsedError => ({
  enhancedCode: code,
  replyCode: code.startsWith('5') ? '550' : '450',
  description: 'Connection refused',
  remoteReply: '451 5.7.3 STARTTLS is required to send mail',
  quotedCodes: ['5.7.3'],
  server: 'mail.contoso.com',
  ip: '203.0.113.5',
  port: 25,
  socketError: 10061,
  lastRetryRaw: '6/14/2023 9:41:07 AM',
  lastRetryIso: '2023-06-14T09:41:07.000Z',
  recipient: 'user@contoso.com',
  format: 'led',
  excerpt: '450 4.4.316 Connection refused [Message=Socket error code 10061]',
});

const actor = { id: '29:x', name: 'Megan Bowen', aadObjectId: '11111111-2222-3333-4444-555555555555' };
const op = (over: Partial<Operation> = {}): Operation => ({
  id: 'op-1',
  change: { kind: 'connector-enabled', target: 'Outbound to Contoso', from: true, to: false },
  status: 'applied',
  source: { code: '4.4.316', server: 'mail.contoso.com' },
  proposedBy: actor,
  proposedAt: now.toISOString(),
  appliedBy: actor,
  appliedAt: now.toISOString(),
  before: true,
  after: false,
  ...over,
});

describe("every card the bot can send passes Microsoft's Adaptive Cards library (1.5, under 28 KB)", () => {
  for (const locale of LOCALES) {
    it(`diagnosis cards for every code in the ${locale} knowledge base, plus an unknown one`, () => {
      const codes = Object.keys(knowledge[locale].codes).map((k) => k.replace(/-\d+$/, ''));
      for (const code of [...codes, '4.4.399', '2.0.0']) {
        const data = diagnosisCardData({
          error: richError(code),
          explanation: explainCode(knowledge, locale, code),
          knowledge: knowledge[locale],
          ui: ui[locale],
          now,
          origin: 'paste',
          tenant,
        });
        const card = renderCard('diagnosis', data);
        expectValid(card);
        expect(visibleTexts(card).join('\n')).toContain(code);
      }
    });

    it(`the delivered card, and the delivered line on error and summary cards, in ${locale}`, async () => {
      const delivered = (i: number): ParsedError => ({
        enhancedCode: i % 2 ? '2.1.5' : '2.0.0',
        replyCode: '250',
        outcome: 'delivered',
        description: 'Ok: queued as 4JhJXC5F4CzgB6 *not bold*',
        quotedCodes: [],
        server: `mx${i}.contoso.com`,
        ip: '203.0.113.9',
        recipient: 'jane_doe@contoso.com',
        format: 'plain',
        excerpt: 'status=sent (250 2.0.0 Ok: queued as 4JhJXC5F4CzgB6)',
      });
      const deps = { knowledge, ui, renderCard, now: () => now, readTenant: async () => tenant, readIncidents: async () => [] };
      const [only] = await answerPaste([delivered(0)], locale, deps);
      expectValid(only);
      const onlyText = visibleTexts(only).join('\n');
      expect(onlyText).toContain(ui[locale].deliveredTitle);
      expect(onlyText).toContain('250 2.0.0');
      expect(onlyText).toContain('mx0.contoso.com (203.0.113.9) · jane_doe@contoso.com');
      expect(onlyText).not.toContain(ui[locale].noCodeTitle);
      const longTrace = await answerPaste(
        Array.from({ length: 20 }, (_, i) => delivered(i)),
        locale,
        deps,
      );
      expect(longTrace).toHaveLength(1);
      expectValid(longTrace[0]);

      const mixed = await answerPaste([richError('5.1.1'), delivered(1)], locale, deps);
      expect(mixed).toHaveLength(1);
      expectValid(mixed[0]);
      expect(visibleTexts(mixed[0]).join('\n')).toContain('250 2.1.5');
      const many = Array.from({ length: 30 }, (_, i) => ({ ...richError('4.4.316'), server: `host${i}.contoso.com` }));
      const [summary] = await answerPaste([...many, delivered(3)], locale, deps);
      expectValid(summary);
      expect(visibleTexts(summary).join('\n')).toContain('mx3.contoso.com');
    });

    it(`the summary, help, no-code and command cards in ${locale}`, async () => {
      const many = Array.from({ length: 30 }, (_, i) => ({ ...richError(i % 2 ? '4.4.316' : '5.1.1'), server: `host${i}.contoso.com` }));
      const cards = await answerPaste(many, locale, {
        knowledge,
        ui,
        renderCard,
        now: () => now,
        readTenant: async () => tenant,
        readIncidents: async () => [],
      });
      expect(cards).toHaveLength(4);
      cards.forEach(expectValid);
      expectValid(helpCard(locale, { ui, renderCard }, 'help'));
      expectValid(helpCard(locale, { ui, renderCard }, 'no-code'));
      expect(commandList(ui[locale]).map((c) => c.name)).toEqual([
        'help',
        'connectors',
        'audit',
        'explain <code>',
        'diagnose <host>[:port]',
        'queue [12h|7d]',
        'health',
        'watch',
        'allowlist',
        'subscribe',
        'unsubscribe',
        'subscriptions',
      ]);
      expectValid(
        renderCard('connectors', {
          connectors: [{ name: 'A', state: 'Enabled', stateColor: 'good', facts: [{ title: 'Smart hosts', value: 'a' }] }],
          domains: [{ name: 'contoso.com', type: 'InternalRelay' }],
          backendNote: 'simulated',
          t: ui[locale],
        }),
      );
      expectValid(renderCard('connectors', { connectors: [], domains: [], backendNote: '', t: ui[locale] }));
      const contoso = SAMPLE_TENANT.connectors[0]!;
      expectValid(
        renderCard('connectors', {
          connectors: [{ name: 'A', state: 'Enabled', stateColor: 'good', facts: [], validate: { title: 'Validate', connector: 'A' } }],
          domains: [],
          backendNote: '',
          t: ui[locale],
        }),
      );
      expectValid(
        renderCard(
          'validate-connector',
          confirmValidateCardData(
            contoso,
            'postmaster@contoso.com',
            'O365ConnectorValidation@contoso.onmicrosoft.com',
            "Validate-OutboundConnector -Identity 'A' -Recipients 'postmaster@contoso.com'",
            ui[locale],
          ),
        ),
      );
      const result = simulateValidation(contoso, ['postmaster@contoso.com']);
      expectValid(
        renderCard(
          'validation-result',
          validationResultCardData(contoso.name, { ...result, unrecognised: ['{"odd":"<b>*x*</b>"}'], messages: ['a warning'] }, ui[locale], {
            powershell: 'Validate-OutboundConnector',
          }),
        ),
      );
      expectValid(renderCard('validation-result', validationResultCardData(contoso.name, undefined, ui[locale], { powershell: 'x', call: 'POST https://x' })));
    });

    it(`the Fix now cards in ${locale}`, () => {
      const ops = [
        op({ status: 'proposed' }),
        op({ id: 'op-2', change: { kind: 'accepted-domain-type', target: 'contoso.com', from: 'InternalRelay', to: 'Authoritative' } }),
      ];
      expectValid(renderCard('confirm-fix', confirmCardData(ops, ui[locale])));
      expectValid(renderCard('choose-connector', chooseConnectorCardData(['A', 'B'], { code: '4.4.316', server: 'x' }, ui[locale])));
      for (const outcome of ['applied', 'undone', 'unchanged', 'failed', 'working', 'dry-run'] as const) {
        expectValid(renderCard('fix-result', fixResultCardData(op({ undoneBy: actor, undoneAt: now.toISOString() }), outcome, ui[locale], 'object not found')));
      }
      expectValid(
        renderCard(
          'fix-result',
          fixResultCardData(op(), 'dry-run', ui[locale], '', { call: 'POST https://outlook.office365.com/adminapi/beta/t/InvokeCommand\n{}' }),
        ),
      );
      expectValid(
        renderCard(
          'fix-result',
          fixResultCardData(op(), 'applied', ui[locale], '', { note: 'x', verification: { title: 'Re-checked', text: 'Still failing', style: 'attention' } }),
        ),
      );
      expectValid(
        renderCard(
          'audit',
          auditCardData(
            [
              { id: '1', at: now.toISOString(), actor, verb: 'applyFix', change: ops[0].change, result: 'applied' },
              { id: '2', at: now.toISOString(), actor, verb: 'fixNow', result: 'refused', detail: 'not allowed' },
            ],
            ui[locale],
          ),
        ),
      );
      expectValid(renderCard('audit', auditCardData([], ui[locale])));
      expectValid(renderCard('notice', { title: 'Not allowed', text: 'x', color: 'attention' }));
    });
  }

  for (const locale of LOCALES) {
    it(`the live diagnostics card in ${locale}: running, refused, failing and healthy`, () => {
      const step = (name: ProbeStep['name'], status: ProbeStep['status'], outcome = 'OK'): ProbeStep => ({
        name,
        status,
        outcome,
        detail: `${name} ${outcome} [x](https://evil.example)`,
        ms: 3,
      });
      const base: ProbeReport = { target: { host: 'mail.contoso.com', port: 25, isIp: false }, addresses: ['203.0.113.5'], steps: [], healthy: false };
      const failing: ProbeReport = {
        ...base,
        eopCode: '4.4.317',
        steps: [
          step('dns', 'ok'),
          step('tcp', 'ok'),
          step('banner', 'ok'),
          step('ehlo', 'ok'),
          step('starttls', 'fail', 'STARTTLS_NOT_OFFERED'),
          step('tls', 'skipped'),
          step('certificate', 'skipped'),
        ],
      };
      const healthy: ProbeReport = {
        ...base,
        healthy: true,
        steps: ['dns', 'tcp', 'banner', 'ehlo', 'starttls', 'tls', 'certificate'].map((n) => step(n as ProbeStep['name'], 'ok')),
        certificate: {
          subject: 'CN=mail.contoso.com',
          issuer: 'CN=CA',
          san: ['DNS:mail.contoso.com'],
          validFrom: '2023-01-01T00:00:00Z',
          validTo: '2024-01-01T00:00:00Z',
          daysLeft: 200,
          trusted: true,
          nameMatches: true,
          checkedName: 'mail.contoso.com',
          fingerprint256: 'AA',
          selfSigned: false,
        },
      };
      const views = [
        { target: 'mail.contoso.com:25', steps: [step('dns', 'ok')] },
        { target: 'mail.contoso.com:25', steps: [], report: { ...base, refused: { reason: 'private-address' as const, detail: 'resolves to 10.0.0.5' } } },
        { target: 'mail.contoso.com:25', steps: failing.steps, report: failing },
        { target: 'mail.contoso.com:25', steps: healthy.steps, report: healthy },
        { target: 'x', steps: [], notice: 'Too many diagnostics right now.' },
      ];
      for (const view of views) expectValid(renderCard('diagnostics', diagnosticsCardData(view, locale, knowledge, ui[locale])));
      const failed = visibleTexts(renderCard('diagnostics', diagnosticsCardData(views[2], locale, knowledge, ui[locale]))).join('\n');
      expect(failed).toContain('4.4.317');
    });
  }

  for (const locale of LOCALES) {
    it(`alert cards in ${locale}: with a code, without one, acknowledged, muted and resolved`, () => {
      const group = {
        key: 'k',
        conversationId: 'c',
        fingerprint: 'f',
        source: 'alertmanager' as const,
        title: 'Mail queue [x](https://evil.example)',
        text: 'queue is growing',
        status: 'firing' as const,
        count: 300,
        firstSeen: now.toISOString(),
        lastSeen: now.toISOString(),
        locale,
        version: 3,
        deliveredVersion: 2,
        applied: [],
        link: 'https://prometheus.example/graph',
        severity: 'critical',
      };
      const withCode = { ...group, parsed: richError('4.4.316') };
      const cards = [
        alertCardData(withCode, knowledge, ui, now),
        alertCardData(group, knowledge, ui, now),
        alertCardData({ ...withCode, ack: { by: actor, at: now.toISOString() }, muted: { by: actor, until: now.toISOString() } }, knowledge, ui, now),
        alertCardData({ ...withCode, status: 'resolved' as const }, knowledge, ui, now),
      ].map((d) => renderCard('diagnosis', d));
      cards.forEach(expectValid);
      expect(visibleTexts(cards[0]).join('\n')).toContain('300');
    });
  }

  for (const locale of LOCALES) {
    it(`the queue card in ${locale}: many destinations, every fact, the incident line, or an empty queue`, async () => {
      const signals = createSimulatedSignals({ sample: () => sampleSignals(now) });
      const many = Array.from({ length: 40 }, (_, i) => ({
        id: `t${i}`,
        messageId: `<m${i}@contoso.com>`,
        senderAddress: `sender${i}@contoso.com`,
        recipientAddress: `user${i}@domain${i % 14}.example`,
        status: 'pending',
        receivedDateTime: new Date(now.getTime() - i * 60_000).toISOString(),
        toIP: `192.0.2.${i % 14}`,
      }));
      const deps = { connectors: async () => SAMPLE_TENANT.connectors, parse: parseErrors, now: () => now };
      const incidents = await signals.serviceHealthIssues();
      for (const source of [signals, createSimulatedSignals({ sample: () => ({ messageTraces: many }) }), createSimulatedSignals({ sample: () => ({}) })]) {
        const reading = await readQueue({ ...deps, source }, 48 * 3_600_000);
        const card = renderCard('queue', queueCardData(reading, incidents, ui[locale], now, '48 h'));
        expectValid(card);
      }
    });
  }

  for (const locale of LOCALES) {
    it(`the allow-list card in ${locale}: a long list with additions, a cached list with a problem, nothing read`, () => {
      const ipv4 = Array.from({ length: 300 }, (_, i) => `40.${i % 250}.${i}.0/24`);
      const list = {
        version: '2026120100',
        checkedAt: now.toISOString(),
        ipv4,
        ipv6: ['2a01:111:f400::/48'],
        added: [{ version: '2026120100', effectiveDate: '20261231', ipv4: ['52.101.0.0/16'], ipv6: [] }],
      };
      for (const reading of [{ list }, { list, problem: 'the Microsoft 365 IP web service answered 503' }, { problem: 'fetch failed' }]) {
        const card = renderCard('allowlist', allowListCardData(reading, ui[locale]));
        expectValid(card);
        if (reading.list) expect(visibleTexts(card).join('\n')).toContain('40.0.0.0/24\n40.1.1.0/24');
      }
    });
  }

  it('covered every template in cards/', () => {
    expect([...rendered].sort()).toEqual([...CARD_NAMES].sort());
  });
});
