import { describe, expect, it } from 'vitest';
import { parseErrors } from '../../src/parse/parse-errors';

/** Text shaped like an enhanced status code that a careful reader never takes for one (issue 17). */
const codes = (text: string) => parseErrors(text).map((e) => e.enhancedCode);

describe('look-alikes are never reported as codes', () => {
  it.each([
    ['a product build', 'Exchange Server 15.20.1856.11 and Version 15.1.2507.57'],
    ['a sendmail version', 'by mx.contoso.com (8.14.4/8.14.4) with ESMTP'],
    ['a v-prefixed version', 'Swiftmailer version  v5.4.8'],
    ['a version in a markdown table', '| Swiftmailer version | 5.4.2\n| PHP version | 5.5.9'],
    ['a package version', '[PHP:5.6.20-1+deb.sury.org~trusty+1][IP:37.152.221.115]'],
    ['a named release', 'Release: 4.1.2, build 5.2.0'],
    ["a mail server's version in a header", 'Received: from mx.contoso.com by hpi.net\n (Rockliffe SMTPRA 5.3.11) with ESMTP id <B0016903844@smith.hpi.net>'],
    ['a version header', 'X-Mailer: MDaemon 5.2.15\nX-Proofpoint-Virus-Version: vendor=fsecure engine=1.12.8161:2.4.5,1.2.40,4.0.166'],
    ['a date with its time', 'Gesendet: Fr., 5.4.24 10:32'],
    ['a dotted AS number', 'announced by AS 4.2.1 and AS3140'],
    ['an IP fragment', 'sending IP 5.1.4.x, range 4.2.1.* and 5.7.1.#'],
    ['a CIDR prefix', 'allow 5.4.3/24'],
    ['a product named after "version of"', 'This is on the last version of  `XSIbackup Free 5.1.5`'],
    ["a program's banner with its release date", 'Berkeley DB: Berkeley DB 5.3.28: (September  9, 2013)\nrelayd 4.2.1 (2024-05-02)'],
    [
      "an npm package's version in a stack trace",
      'at SMTPConnection._formatError (/srv/node_modules/_nodemailer@4.7.0@nodemailer/lib/smtp-connection/index.js:605:19)',
    ],
  ])('%s', (_, text) => {
    expect(codes(text)).toEqual([]);
  });

  it('still reads the real code next to a look-alike', () => {
    expect(
      codes('Swiftmailer version 5.4.2: Expected response code 250 but got code "550", with message "550 5.7.60 SMTP; Client does not have permissions"'),
    ).toEqual(['5.7.60']);
    expect(codes('PHP 5.6.20-1 says: 550 5.5.9 test')).toEqual(['5.5.9']);
    expect(codes('the code was 5.7.1.')).toEqual(['5.7.1']);
    expect(codes('such as 5.7.1 Unable to relay')).toEqual(['5.7.1']);
  });
});

describe('destinations named by other senders', () => {
  it("reads Exim's H=host [ip] log line", () => {
    const [e] = parseErrors(
      '2016-07-13 08:53:09 1bN8up-0003A0-8W H=mx2.fabrikam.com [203.0.113.34]: SMTP error from remote mail server after RCPT TO:<jane@fabrikam.com>: 452 4.2.2 Mailbox full',
    );
    expect(e).toMatchObject({ enhancedCode: '4.2.2', replyCode: '452', server: 'mx2.fabrikam.com', ip: '203.0.113.34', recipient: 'jane@fabrikam.com' });
  });

  it("reads sendmail's 'read error from X'", () => {
    expect(parseErrors('451 4.4.1 reply: read error from mx3.fabrikam.com.')[0]).toMatchObject({ enhancedCode: '4.4.1', server: 'mx3.fabrikam.com' });
  });

  it('keeps a Microsoft host that another sender delivered to, and drops the one that wrote the report', () => {
    const [relayed] = parseErrors(
      '<jane@fabrikam.com>: host DM6NAM11FT088.mail.protection.outlook.com[203.0.113.7] said: 550 5.7.1 Service unavailable (in reply to RCPT TO command)',
    );
    expect(relayed.server).toBe('DM6NAM11FT088.mail.protection.outlook.com');
    const dsn = parseErrors(
      [
        'Reporting-MTA: dns;AM6PR04MB1234.eurprd04.prod.outlook.com',
        '',
        'Final-Recipient: rfc822;jane@fabrikam.com',
        'Action: failed',
        'Status: 5.4.1',
        'Remote-MTA: dns;AM6PR04MB1234.eurprd04.prod.outlook.com',
      ].join('\n'),
    );
    expect(dsn[0].server).toBeUndefined();
  });

  it('reads a Python tuple whose reply starts with SMTP; and a curly quote', () => {
    expect(parseErrors("Socket Exception: (550, b'5.7.60 SMTP; Client does not have permissions to send as this sender')")[0]).toMatchObject({
      enhancedCode: '5.7.60',
      replyCode: '550',
    });
    expect(parseErrors('smtplib.SMTPDataError: (550, b\u20195.7.60 SMTP; Client does not have permissions')[0]).toMatchObject({
      enhancedCode: '5.7.60',
      replyCode: '550',
    });
  });

  it('reads a multi-line bare reply once, at its last line', () => {
    expect(parseErrors('S: 550-Requested action not taken: mailbox unavailable\nS: 550 Failure sending mail. Try again later')).toHaveLength(1);
  });

  it('states a placeholder only as one (never as the server to probe), and keeps the masked IP', () => {
    const [e] = parseErrors(
      '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped." [LastAttemptedServerName = <YourConnectionPoint.domain>] [LastAttemptedIP = 72.x.x.x.:25]',
    );
    expect(e).toMatchObject({ enhancedCode: '4.4.0', ip: '72.x.x.x', port: 25, serverPlaceholder: 'YourConnectionPoint.domain' });
    expect(e.server).toBeUndefined();
    const named = (placeholder: string) => parseErrors(`450 4.4.316 Connection refused [LastAttemptedServerName=${placeholder}]`)[0];
    expect(named('{Issuing Server}')).toMatchObject({ serverPlaceholder: 'Issuing Server' });
    // Nothing left to read once the mask is gone: no server, no placeholder.
    for (const masked of ['[IP]', 'x.xx.xx.xx', '***', '<xxxxxxxx>']) {
      expect(named(masked).server, masked).toBeUndefined();
      expect(named(masked).serverPlaceholder, masked).toBeUndefined();
    }
    expect(named('mx.contoso.com')).toMatchObject({ server: 'mx.contoso.com' });
    expect(named('mx.contoso.com').serverPlaceholder).toBeUndefined();
  });

  it('never reads a version named by the word after it, nor codes offered as alternatives in prose', () => {
    for (const text of [
      'I switched back to hMailServer 5.6.1 Build 2208',
      'running relay 4.2.1 beta on it',
      'Enhanced Error code 5.7.1 or a more generic 5.7.0 are RECOMMENDED.',
    ])
      expect(parseErrors(text), text).toEqual([]);
    // A reply is a reply whatever follows it.
    expect(parseErrors('550 5.7.1 Release the message from quarantine first')).toMatchObject([{ enhancedCode: '5.7.1' }]);
  });

  it('never reads the versions of an issue template, an upgrade range, or a code the writer compares with', () => {
    expect(parseErrors('### Symfony version(s) affected\n\n5.4.15\n\n### Description\n\nfails with 550 5.7.1 Relaying denied')).toMatchObject([
      { enhancedCode: '5.7.1' },
    ]);
    expect(parseErrors('**Version:**\n - listmonk: 5.0.3\n - OS: Ubuntu 24.04 LTS\n\nStatus: 5.1.1')).toMatchObject([{ enhancedCode: '5.1.1' }]);
    expect(parseErrors('When bumping the mailer from `5.4.13` to `5.4.15` (and `5.4.16` does not help) I get: 550 5.7.1 Rejected')).toMatchObject([
      { enhancedCode: '5.7.1' },
    ]);
    expect(parseErrors('`550 5.4.1 Recipient address rejected: Access denied`\n\nwhich is quite different from 5.1.1 as mentioned above.')).toMatchObject([
      { enhancedCode: '5.4.1' },
    ]);
    // Far from a version heading, a code on a line of its own is read.
    expect(parseErrors('### Version\n1.2\n\nlogs\n\nmore logs\n\nend\n4.4.316')).toMatchObject([{ enhancedCode: '4.4.316' }]);
  });

  it("never reads a build's name in a stack trace as a code", () => {
    const trace =
      'com.sun.mail.smtp.SMTPSendFailedException: 530 5.7.0 Must issue a STARTTLS command first.\n\tat org.springframework.mail.javamail.JavaMailSenderImpl.doSend(JavaMailSenderImpl.java:490) ~[spring-context-support-5.1.8.RELEASE.jar!/:5.1.8.RELEASE]\n\tat gems/net-smtp-0.3.3/lib/net/smtp.rb:1076';
    expect(parseErrors(trace).map((e) => e.enhancedCode)).toEqual(['5.7.0']);
  });

  it("never reads a product's version in an issue template's list, and still reads an item that tells the error", () => {
    for (const text of ['1. fresh install of mastodon 4.0.2 on VPS', ' - MailKit Version: MailKit, 4.3.0,', '-  MC Admin 4.1.1'])
      expect(parseErrors(text), text).toEqual([]);
    expect(parseErrors('- got 4.4.316 Connection refused')).toMatchObject([{ enhancedCode: '4.4.316' }]);
    expect(parseErrors('* we see 4.4.316')).toMatchObject([{ enhancedCode: '4.4.316' }]);
  });

  it("never reads a product's version on an environment label's line, and still reads a code a label gives", () => {
    for (const text of ['**Database:** mysql 5.7.18', 'Mail server: Postfix 3.4.13', '**OS**: Debian 5.10.1\n**Web server:** nginx 1.18.0'])
      expect(parseErrors(text), text).toEqual([]);
    expect(parseErrors('Status: 5.7.1')).toMatchObject([{ enhancedCode: '5.7.1' }]);
    expect(parseErrors('Diagnostic-Code: smtp 5.1.1')).toMatchObject([{ enhancedCode: '5.1.1' }]);
    expect(parseErrors('**Error:** got 5.7.1 Relay denied')).toMatchObject([{ enhancedCode: '5.7.1' }]);
  });

  it("never reads a document's section number as a code", () => {
    for (const text of ['per my reading of [RFC 5321 § 4.2.1](https://www.rfc-editor.org/rfc/rfc5321.html)', 'see section 5.7.1 of the guide'])
      expect(parseErrors(text), text).toEqual([]);
  });

  it('reads a subject-8 or -9 code only right after its reply code', () => {
    expect(parseErrors('551 5.9.9 Spam message discarded. If you feel we mistreat you, do contact us')).toMatchObject([
      { enhancedCode: '5.9.9', replyCode: '551' },
    ]);
    expect(parseErrors('451-4.8.1 Try again later')).toMatchObject([{ enhancedCode: '4.8.1', replyCode: '451' }]);
    for (const text of ['Upgraded to 5.9.9 yesterday', 'Status: 5.9.1', 'release 4.8.2 of the relay', 'see 550 of 5.9.9'])
      expect(parseErrors(text), text).toEqual([]);
  });

  it('reads a code after "version of" or before a date when the words around it are the error', () => {
    expect(codes('The latest version of Exchange returns 5.7.1 Client does not have permissions')).toEqual(['5.7.1']);
    expect(codes('Status: 4.4.7 (delayed since Dec 3)')).toEqual(['4.4.7']);
  });
});
