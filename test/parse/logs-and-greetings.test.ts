import { describe, expect, it } from 'vitest';
import { parseErrors } from '../../src/parse/parse-errors';

/** Where mail went, as MTA logs, greetings, wrapped bounces and flattened sessions say it; inputs made up for each rule. */
const pick = (text: string) => parseErrors(text).map((e) => ({ code: e.enhancedCode, reply: e.replyCode, server: e.server, ip: e.ip }));

describe('destinations in logs, greetings and wrapped bounces', () => {
  it("reads Exim's log line H=X [ip] before the remote server's reply", () => {
    const line =
      '2020-01-29 17:18:34 1iwp6u-00CsD4-LS ** jane@contoso.com R=dkim_lookuphost T=remote_smtp H=mx1.contoso.com [203.0.113.20] X=TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=yes: SMTP error from remote mail server after end of data: 550 spam message rejected';
    expect(pick(line)).toEqual([{ code: '5.0.0', reply: '550', server: 'mx1.contoso.com', ip: '203.0.113.20' }]);
    // sendmail's relay= keeps its own shape: a name without the trailing dot is not followed by an address.
    expect(pick('to=<jane@contoso.com>, relay=mx.contoso.com. [203.0.113.21], dsn=5.7.1, stat=Service unavailable')).toEqual([
      { code: '5.7.1', reply: undefined, server: 'mx.contoso.com', ip: '203.0.113.21' },
    ]);
  });

  it('reads the server a refusing reply names first: 554 and 421 greetings, and any reply without an enhanced code', () => {
    expect(pick('SMTP error from remote mail server after initial connection: 554 mx2.mail.contoso.com bizsmtp rejected')).toEqual([
      { code: '5.0.0', reply: '554', server: 'mx2.mail.contoso.com', ip: undefined },
    ]);
    expect(pick('Error: 421 contoso.com Service not available, closing transmission channel')).toEqual([
      { code: '4.0.0', reply: '421', server: 'contoso.com', ip: undefined },
    ]);
    expect(pick('500 mx.mail.contoso.com Syntax error, command unrecognized')).toEqual([
      { code: '5.0.0', reply: '500', server: 'mx.mail.contoso.com', ip: undefined },
    ]);
    // A single dot without greeting words may be the recipient's domain; an HTTP status line is not SMTP.
    expect(pick('Error: 550 contoso.com rejected your message')).toEqual([{ code: '5.0.0', reply: '550', server: undefined, ip: undefined }]);
    expect(parseErrors('500 Internal Server Error')).toEqual([]);
    // With an enhanced code, only the connection-level replies name their server so.
    expect(pick('550 5.7.1 mx.mail.contoso.com rejected')).toEqual([{ code: '5.7.1', reply: '550', server: undefined, ip: undefined }]);
  });

  it('reads a Postfix bounce wrapped after said:, the reply on the next line', () => {
    const bounce = [
      '<jane@contoso.com>: host contoso-com.mail.protection.outlook.com[203.0.113.22] said:',
      '550 5.5.0 Requested action not taken: mailbox unavailable. (in reply to',
      'RCPT TO command)',
    ].join('\n');
    expect(pick(bounce)).toEqual([{ code: '5.5.0', reply: '550', server: 'contoso-com.mail.protection.outlook.com', ip: '203.0.113.22' }]);
  });

  it('ends a reply at the next command of a session flattened onto one line', () => {
    const session =
      'MAIL FROM:<me@fabrikam.com> 250 2.1.0 Sender OK RCPT TO:<jane@contoso.com> 250 2.1.5 Recipient OK RCPT TO:<joe@contoso.com> 550 5.4.1 Recipient address rejected: Access denied. RCPT TO:<ann@contoso.com> 452 4.5.3 Too many recipients';
    expect(
      parseErrors(session)
        .filter((e) => !e.outcome)
        .map((e) => [e.enhancedCode, e.recipient]),
    ).toEqual([
      ['5.4.1', 'joe@contoso.com'],
      ['4.5.3', 'ann@contoso.com'],
    ]);
  });

  it("reads the server a client's settings give by its address, and a provider's mx-host field", () => {
    const dotnet =
      'System.Net.Mail.SmtpException: Mailbox unavailable. The server response was: 5.7.1 Unable to relay\n<network host="203.0.113.23" port="25" defaultCredentials="false" />';
    expect(pick(dotnet)).toEqual([{ code: '5.7.1', reply: undefined, server: undefined, ip: '203.0.113.23' }]);
    const mailgun = '{"delivery-status": {"mx-host": "mx1.contoso.com", "code": 451, "message": "451 4.4.8 Unroutable email address."}}';
    expect(pick(mailgun)).toEqual([{ code: '4.4.8', reply: '451', server: 'mx1.contoso.com', ip: undefined }]);
  });

  it("reads the server Gmail could not reach, with the class its bounce gives, and only under Gmail's words", () => {
    const gmail = (technical: string, bracket: string) =>
      `Delivery to the following recipient failed permanently:\n     jane@contoso.com\n${technical}\nThe recipient server did not accept our requests to connect. Learn more at https://support.google.com/mail/answer/7720\n${bracket}`;
    expect(pick(gmail('Technical details of permanent failure:', '[(0) mx.contoso.com. [203.0.113.24]:465: socket error]'))).toEqual([
      { code: '5.0.0', reply: undefined, server: 'mx.contoso.com', ip: '203.0.113.24' },
    ]);
    expect(pick(gmail('Technical details of temporary failure:', '[mx.contoso.com. (10): Connection timed out]'))).toEqual([
      { code: '4.0.0', reply: undefined, server: 'mx.contoso.com', ip: undefined },
    ]);
    expect(parseErrors(gmail('Technical details of permanent failure:', '[mx.contoso.com. 203.0.113.25: timed out]'))[0]).toMatchObject({
      enhancedCodeInferred: true,
      description: 'timed out',
      ip: '203.0.113.25',
    });
    // The same bracket anywhere else is not a failure.
    expect(parseErrors('[(0) mx.contoso.com. [203.0.113.24]:465: socket error]')).toEqual([]);
  });
});
