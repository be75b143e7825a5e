import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/parse/normalize-text';
import { parseErrors } from '../../src/parse/parse-errors';

/** Pieces of the real formats, shuffled into texts no paste would contain but a parser must survive. */
const FRAGMENTS = [
  '4.',
  '5.',
  '2.',
  '4.4.316',
  '5.7.1',
  '450 ',
  '550-',
  '10.',
  '.316',
  '.',
  '0',
  '1',
  '7',
  '99',
  ' ',
  '\n',
  '\r\n',
  '\t',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  '<',
  '>',
  '&',
  ';',
  ':',
  '=',
  '#',
  '##',
  "'",
  '’',
  '"',
  '-',
  'LED=',
  'MSG=',
  'FQDN=',
  'IP=',
  'LRT=',
  '[Message=',
  'Message=',
  '[LastAttemptedServerName=',
  '[LastAttemptedIP=',
  'Reason: [',
  '{LED=',
  "returned '",
  'Server at ',
  ' said: ',
  'host ',
  'smtp;',
  '#<',
  '> #SMTP#',
  '> ',
  'Diagnostic-Code: ',
  'Status: ',
  'Final-Recipient: rfc822;',
  'user@contoso.com',
  'mail.contoso.com',
  '.prod.outlook.com',
  'Socket error code ',
  '10061',
  '6/14/2023 9:41:07 AM',
  '2023-06-14T09:41:07.123Z',
  '<p>',
  '</div>',
  '<at>',
  '&lt;',
  '&#',
  '&#x',
  '\u00a0',
  '\u200b',
];
const adversarial = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 300 }).map((parts) => parts.join(''));
const CODE = /^[245]\.[0-7]\.\d{1,3}$/;

function checkInvariants(text: string): void {
  const errors = parseErrors(text);
  expect(errors.length).toBeLessThanOrEqual(500);
  for (const error of errors) {
    expect(error.enhancedCode).toMatch(CODE);
    if (error.enhancedCodeInferred) {
      expect(error.enhancedCode).toMatch(/^[45]\.0\.0$/);
      expect(text).toContain(error.replyCode);
    } else {
      expect(text).toContain(error.enhancedCode);
    }
    for (const quoted of error.quotedCodes) {
      expect(quoted).toMatch(CODE);
      expect(text).toContain(quoted);
    }
    expect(error.excerpt.length).toBeLessThanOrEqual(500);
    for (const value of [error.description, error.remoteReply, error.server, error.ip, error.recipient, error.lastRetryRaw]) {
      if (value !== undefined) expect(value.length).toBeLessThanOrEqual(1000);
    }
  }
}

describe('parseErrors on arbitrary input (fast-check)', () => {
  it('never throws and keeps its invariants on random Unicode strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), checkInvariants), { numRuns: 300 });
  });

  it('never throws and keeps its invariants on strings built from format fragments', () => {
    fc.assert(fc.property(adversarial, checkInvariants), { numRuns: 500 });
  });

  it('keeps its invariants after normalizeText, as the bot calls it', () => {
    fc.assert(
      fc.property(adversarial, (text) => checkInvariants(normalizeText(text))),
      { numRuns: 300 },
    );
  });

  it('finds a real LED error wherever it is embedded in noise', () => {
    const led = '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com]';
    fc.assert(
      fc.property(adversarial, adversarial, (before, after) => {
        const errors = parseErrors(`${before}\n${led}\n${after}`);
        expect(errors.some((e) => e.enhancedCode === '4.4.316' && e.server === 'mail.contoso.com' && e.socketError === 10061)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

/** Smallest of `runs` timings, which filters out a busy neighbour on a shared 2-core machine. */
function fastestMs(fn: () => void, runs = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

function repeatTo(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

const HOSTILE_UNITS: Record<string, string> = {
  'unclosed [Message=': '450 4.4.316 x [Message=',
  'runs of [Message= with codes': '[Message=451 5.7.3 ',
  'open {LED= groups': '{LED=450 4.4.316 [Message=',
  'unclosed returned quotes': "Server at h (i) returned '450 4.4.316 ",
  'codes on every line': '4.4.1\n',
  fragments: '4.[LED={Message=1.2.]<&;',
  'brackets before an EOP-like host': '[a.prod.outlook.com ',
  'old NDR leads': '#5.7.1 smtp;',
  'folded DSN lines': 'Diagnostic-Code: smtp;550\n 5.4.1 x',
  'qmail trailers on one line': "said: 553 sorry (#5.7.1) '",
  'list items with versions on one line': '- mastodon 4.0.2 ',
  'markdown links': '[mx.a.com](http://mx.a.com/) ](mailto:',
  'an SMTP session': 'rcpt to:<a@b.c>\n550 rejected\n',
  'client settings and greetings': 'host: smtp.a.com 220 mx.a.com Connected to mail.a.com ',
  'glued quotes and earlier replies': "'450 4.4.7 x'and. Error: 535 5.7.3 ",
  'Stalwart and Postfix -v leads': "host 'a.b' rejected command 'x' with code < a.b[c]:25: ",
};

describe('parseErrors running time', () => {
  it.each(Object.entries(HOSTILE_UNITS))('grows linearly on %s (10x input < 25x time)', (_name, unit) => {
    const small = repeatTo(unit, 100_000);
    const large = repeatTo(unit, 1_000_000);
    parseErrors(small); // warm-up: let the JIT compile before measuring
    const tSmall = fastestMs(() => parseErrors(small));
    const tLarge = fastestMs(() => parseErrors(large));
    // The 30 ms floor keeps timer noise on sub-millisecond runs from failing the ratio.
    expect(tLarge).toBeLessThan(Math.max(25 * tSmall, 30));
  });

  it('parses a 2 MB mixed paste and a 2 MB hostile paste well under a second', () => {
    const mixed = repeatTo(
      [
        '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25] [SmtpSecurity=-2;-2] [AM4PR01MB1234.eurprd01.prod.exchangelabs.com 2023-06-14T09:41:07.123Z 08DB6A]',
        'Reason: [{LED=450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail]};{MSG=};{FQDN=mail.contoso.com};{IP=203.0.113.5};{LRT=6/14/2023 9:41:07 AM}]',
        "user@contoso.com\n6/15/2023 9:31:07 AM - Server at mail.contoso.com (203.0.113.5) returned '450 4.4.316 Connection refused [Message=Socket error code 10061]'",
        'Final-Recipient: rfc822;user@contoso.com\nStatus: 5.4.316\nDiagnostic-Code: smtp;550 5.4.316 Message expired,\n connection refused\n',
        'just some chatter from the admin about the outage',
        '',
      ].join('\n'),
      2_000_000,
    );
    const hostile = repeatTo(Object.values(HOSTILE_UNITS).join(''), 2_000_000);
    parseErrors(mixed);
    expect(fastestMs(() => parseErrors(mixed))).toBeLessThan(1000);
    expect(fastestMs(() => parseErrors(hostile))).toBeLessThan(1000);
  });
});
