import { describe, expect, it } from 'vitest';
import { parseErrors } from '../../src/parse/parse-errors';

/**
 * A mail server a paste names with no frame around it (no `host X said:`, no `Remote server`, no setting):
 * the parser states it only when nothing stronger names the server and the paste mentions one such name.
 * Inputs are made up for each rule.
 */
const pick = (text: string) => parseErrors(text).map((e) => ({ code: e.enhancedCode, server: e.server }));
const reply = '550 5.7.1 Message rejected as spam';

describe('a mail server named in passing', () => {
  it("takes the one mail server a poster's title or a log names around the reply", () => {
    expect(pick(`Invitation mail fails (smtp.mailhost.fabrikam.net)\n\n${reply}`)).toEqual([{ code: '5.7.1', server: 'smtp.mailhost.fabrikam.net' }]);
    expect(pick('[ERROR] Upstream error: 421 4.4.2 mx2.fabrikam.net SMTP incoming data timeout')).toEqual([{ code: '4.4.2', server: 'mx2.fabrikam.net' }]);
    expect(pick(`Sending failed while communicating with: <relay7.fabrikam.net>\n${reply}`)).toEqual([{ code: '5.7.1', server: 'relay7.fabrikam.net' }]);
    // A quoted bounce whose `>` marks broke Postfix's `host X[ip] said:` frame still names X.
    expect(pick('> host > b.mx.mail.fabrikam.net[203.0.113.7]\n> said: 554 5.7.9 Message not accepted for policy reasons')).toEqual([
      { code: '5.7.9', server: 'b.mx.mail.fabrikam.net' },
    ]);
  });

  it('keeps a named frame ahead of a mention', () => {
    const text = `Upgraded the relay mail.old.fabrikam.net last week.\nConnected to smtp.fabrikam.net\n${reply}`;
    expect(pick(text)).toEqual([{ code: '5.7.1', server: 'smtp.fabrikam.net' }]);
  });

  it('states no server when the paste mentions two different mail servers', () => {
    expect(pick(`We run mail.alpha.fabrikam.net and mx.beta.fabrikam.net; both say:\n${reply}`)).toEqual([{ code: '5.7.1', server: undefined }]);
  });

  it("never takes the sender's side, the report's server or a Received header for the destination", () => {
    for (const line of [
      'Received-From-MTA: dns; smtp.out.fabrikam.net',
      'Reporting-MTA: dns; mail.gw.fabrikam.net',
      'Received: from mail.out.fabrikam.net (mail.out.fabrikam.net [203.0.113.4])',
      'Hi. This is the qmail-send program at mail.out.fabrikam.net.',
      'This is the mail system at host smtp.out.fabrikam.net.',
      'client=unknown, helo=mail.out.fabrikam.net',
      'Mail from mail.out.fabrikam.net was refused',
    ])
      expect(pick(`${line}\n${reply}`), line).toEqual([{ code: '5.7.1', server: undefined }]);
  });

  it("never takes a web address's host, an e-mail domain, a program's, a file's or a status's name, or a certificate's name", () => {
    for (const line of [
      'See https://mail.help.fabrikam.net/faq for details',
      'Written by admin@mail.staff.fabrikam.net',
      'at com.sun.mail.smtp.SMTPTransport.issueSendCommand(SMTPTransport.java:2374)',
      'Caused by javax.mail.smtp.error while sending',
      'Loaded jakarta.mail.smtp.provider.jar',
      'The mail.secure.fabrikam.net certificate expired yesterday',
      "Exchange's own status: SMTPsend.dns.mxloopback.local; loop",
      'Seen smtp.relay.nonexistentdomain on the wire',
      'Queue target *-mail.relay.fabrikam.net (masked)',
    ])
      expect(pick(`${line}\n${reply}`), line).toEqual([{ code: '5.7.1', server: undefined }]);
  });

  it('does not take a registrable domain for a mail server', () => {
    for (const line of ['Our users on mail.ru and mxtoolbox.com report:', 'Checked smtp-relay.com first'])
      expect(pick(`${line}\n${reply}`), line).toEqual([{ code: '5.7.1', server: undefined }]);
  });

  it('does not fill a mentioned name into a failure that found no server at all', () => {
    const dns = '550 5.4.3 Name service error for name=fabrikam.net type=MX';
    expect(pick(`Our gateway is smtp.gw.fabrikam.net\n${dns}`).map((e) => e.server)).toEqual([undefined]);
    expect(pick(`Our gateway is smtp.gw.fabrikam.net\n${reply}`).map((e) => e.server)).toEqual(['smtp.gw.fabrikam.net']);
  });
});
