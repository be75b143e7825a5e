import { describe, expect, it } from 'vitest';
import { parseErrors } from '../../src/parse/parse-errors';

/** Names and numbers a paste holds that are not where the mail went, with inputs made up for each rule. */
const pick = (text: string) => parseErrors(text).map((e) => ({ code: e.enhancedCode, server: e.server, ip: e.ip }));

describe('what is not the destination', () => {
  it('does not read a port glued to a name or an address as a reply', () => {
    expect(parseErrors('Contacting host: login.microsoftonline.com:443')).toEqual([]);
    expect(parseErrors('Connecting to [203.0.113.9]:465')).toEqual([]);
    expect(parseErrors('host: mail.contoso.com:587')).toEqual([]);
    // A reply after a colon and a blank still is one.
    expect(pick('host mx.contoso.com[203.0.113.9] said: 550 Rejected')).toEqual([{ code: '5.0.0', server: 'mx.contoso.com', ip: '203.0.113.9' }]);
  });

  it("does not take a client's web endpoint (port 443 or 80) for its mail server", () => {
    const oauth =
      'Contacting host: login.microsoftonline.com:443\n535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.';
    expect(pick(oauth)).toEqual([{ code: '5.7.139', server: undefined, ip: undefined }]);
    expect(pick(oauth.replace(':443', ':587'))).toEqual([{ code: '5.7.139', server: 'login.microsoftonline.com', ip: undefined }]);
  });

  it('does not take the client sendmail itself refused (ruleset=…, relay=client, reject=…) for a destination', () => {
    const inbound =
      'sm-mta[27713]: s1P819mk027713: ruleset=check_rcpt, arg1=<jane@contoso.com>, relay=client.fabrikam.net [203.0.113.80], reject=550 5.7.1 <jane@contoso.com>... Relaying denied.';
    expect(pick(inbound)).toEqual([{ code: '5.7.1', server: undefined, ip: undefined }]);
    expect(pick('sm-mta[1]: to=<jane@contoso.com>, relay=mx.contoso.com. [203.0.113.81], dsn=5.7.1, stat=Service unavailable')).toEqual([
      { code: '5.7.1', server: 'mx.contoso.com', ip: '203.0.113.81' },
    ]);
  });

  it('does not name the generating server as the destination of the expiry it reports, and still names a remote one', () => {
    const ndr = (at: string) =>
      [
        'Generating server: EX01.contoso.local',
        '',
        'jane@fabrikam.com',
        `1/22/2023 11:33:24 AM - Server at ${at} returned '550 5.4.300 Message expired -> 451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain'`,
      ].join('\n');
    expect(pick(ndr('EX01.contoso.local'))).toEqual([{ code: '5.4.300', server: undefined, ip: undefined }]);
    expect(pick(ndr('mx.fabrikam.com'))).toEqual([{ code: '5.4.300', server: 'mx.fabrikam.com', ip: undefined }]);
    // A failure other than the expiry, reported by the server that refused it, names that server.
    expect(pick(ndr('EX01.contoso.local').replace('5.4.300 Message expired -> 451 4.4.0 DNS query failed', '5.1.1 User unknown'))).toEqual([
      { code: '5.1.1', server: 'EX01.contoso.local', ip: undefined },
    ]);
  });
});

describe('placeholders where the server goes', () => {
  const slot = (text: string) => parseErrors(text).map((e) => ({ code: e.enhancedCode, server: e.server, placeholder: e.serverPlaceholder }));

  it("states a template's starred slot in a relay line as a placeholder, never as a server", () => {
    expect(slot('Reason: host *Host*[*IP ADDRESS*] said: 450 4.2.0 <*SERVER*>: Recipient address rejected: Greylisted')).toEqual([
      { code: '4.2.0', server: undefined, placeholder: 'Host' },
    ]);
  });

  it("states the slot a client's log names for its server as a placeholder, and a real name there as the server", () => {
    const log =
      'ERROR Mail - Could not send mail via <SMTP_SERVER>:<smtp_port> com.sun.mail.smtp.SMTPSendFailedException: 432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded';
    expect(slot(log)).toEqual([{ code: '4.3.2', server: undefined, placeholder: 'SMTP_SERVER' }]);
    expect(slot(log.replace('<SMTP_SERVER>', 'smtp.contoso.com'))).toEqual([{ code: '4.3.2', server: 'smtp.contoso.com', placeholder: undefined }]);
  });
});
