import { describe, expect, it } from 'vitest';
import { isMaskedBanner } from '../../src/diagnostics/judge-session';
import { createReplyReader } from '../../src/diagnostics/smtp-reply-reader';

const feed = (...chunks: string[]) => {
  const reader = createReplyReader();
  return chunks.map((c) => reader.push(Buffer.from(c, 'latin1')));
};

describe('createReplyReader', () => {
  it('joins a multi-line reply split across chunks anywhere', () => {
    const results = feed('250-mail.contoso.com Hello\r\n250-PIPE', 'LINING\r', '\n250 STARTTLS\r\n');
    expect(results.map((r) => r.replies.length)).toEqual([0, 0, 1]);
    expect(results[2].replies[0]).toEqual({
      code: 250,
      lines: ['mail.contoso.com Hello', 'PIPELINING', 'STARTTLS'],
      raw: '250-mail.contoso.com Hello\n250-PIPELINING\n250 STARTTLS',
    });
  });

  it('accepts a bare code line and two replies in one chunk', () => {
    const [result] = feed('220\r\n221 bye\r\n');
    expect(result.replies.map((r) => r.code)).toEqual([220, 221]);
  });

  it('ends the reply at a line that is not SMTP, with code 0', () => {
    const [result] = feed('SSH-2.0-OpenSSH_9.6\r\n');
    expect(result.replies).toEqual([{ code: 0, lines: ['SSH-2.0-OpenSSH_9.6'], raw: 'SSH-2.0-OpenSSH_9.6' }]);
  });

  it('replaces control characters so the card shows them safely', () => {
    const [result] = feed('220 evil\u001b[31m\u0000 banner\r\n');
    expect(result.replies[0].raw).toBe('220 evil\ufffd[31m\ufffd banner');
  });

  it('refuses a line longer than the limit even when it arrives in small pieces', () => {
    const reader = createReplyReader({ maxLineBytes: 100, maxSessionBytes: 10_000 });
    expect(reader.push(Buffer.alloc(60, 'A')).overflow).toBeUndefined();
    expect(reader.push(Buffer.alloc(60, 'A')).overflow).toBe('LINE_TOO_LONG');
    expect(reader.push(Buffer.from('\r\n')).overflow).toBe('LINE_TOO_LONG');
  });

  it('refuses more bytes than a session needs, however they are split into lines', () => {
    const reader = createReplyReader({ maxLineBytes: 100, maxSessionBytes: 1_000 });
    let overflow: string | undefined;
    for (let i = 0; i < 100 && !overflow; i++) overflow = reader.push(Buffer.from('220-hello\r\n')).overflow;
    expect(overflow).toBe('TOO_MUCH_DATA');
  });
});

describe('isMaskedBanner', () => {
  it.each([
    ['***********************', true],
    ['****************************2*0*0****0***0**', true],
    ['mail.contoso.com ESMTP Postfix', false],
    ['**', false],
    ['', false],
  ])('%j masked: %s', (text, masked) => {
    expect(isMaskedBanner({ code: 220, lines: [text], raw: `220 ${text}` })).toBe(masked);
  });
});
