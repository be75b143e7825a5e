import { describe, expect, it } from 'vitest';
import { parseErrors } from '../../src/parse/parse-errors';

/** Where mail went, as MTA logs, greetings, wrapped bounces and flattened sessions say it; inputs made up for each rule. */
const pick = (text: string) => parseErrors(text).map((e) => ({ code: e.enhancedCode, reply: e.replyCode, server: e.server, ip: e.ip }));

describe('destinations in logs, greetings and wrapped bounces', () => {
  it("reads ZoneMTA's own status in parentheses at a DEFERRED or REJECTED line's end, and names no server for the recipient's domain", () => {
    const line = (to: string) =>
      `zone-mta[12]: (Sender/default/12) 1a2b.001 DEFERRED[dns] from=news@contoso.com to=jo@${to} mx=${to} (450 Can't find an MX server for ${to})`;
    expect(pick(line('fabrikam.com'))).toEqual([{ code: '4.0.0', reply: '450', server: undefined, ip: undefined }]);
    expect(pick('zone-mta[12]: 1a2b.001 REJECTED[policy] to=jo@fabrikam.com (550 Message blocked by policy)')[0]).toMatchObject({ code: '5.0.0' });
    // A count in parentheses on another log line is not a reply.
    expect(pick('queue stats (450 messages) at 10:00')).toEqual([]);
  });

  it("reads the host whose address lookup failed (Postfix's name=X type=A), never the domain whose MX lookup did", () => {
    const line = (name: string, type: string) =>
      `postfix/smtp[9]: 1A2B3C: to=<jo@fabrikam.com>, relay=none, delay=0.1, dsn=4.4.3, status=deferred (Host or domain name not found. Name service error for name=${name} type=${type}: Host not found, try again)`;
    expect(pick(line('mx1.fabrikam.com', 'A'))).toEqual([{ code: '4.4.3', reply: undefined, server: 'mx1.fabrikam.com', ip: undefined }]);
    expect(pick(line('lmtp-backend', 'AAAA'))[0].server).toBe('lmtp-backend');
    expect(pick(line('fabrikam.com', 'MX'))[0].server).toBeUndefined();
    // A domain without MX is looked up as its own host: that is the recipient's domain, not a server.
    expect(pick(line('fabrikam.com', 'AAAA'))[0].server).toBeUndefined();
    expect(pick('550 5.1.2 Host or domain name not found. Name service error for name=mx.fabrikam.com type=AAAA: Host not found')[0].server).toBe(
      'mx.fabrikam.com',
    );
  });

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
    // With an enhanced code, only the connection-level replies name their server so: a domain after the code is the recipient's;
    // a name that reads as a mail server's is still the one the paste mentions (mentioned-mail-host.ts).
    expect(pick('550 5.7.1 contoso.com rejected')).toEqual([{ code: '5.7.1', reply: '550', server: undefined, ip: undefined }]);
    expect(pick('550 5.7.1 mx.mail.contoso.com rejected')).toEqual([{ code: '5.7.1', reply: '550', server: 'mx.mail.contoso.com', ip: undefined }]);
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
      description: 'mx.contoso.com. 203.0.113.25: timed out',
      ip: '203.0.113.25',
    });
    // The same bracket anywhere else is not a failure.
    expect(parseErrors('[(0) mx.contoso.com. [203.0.113.24]:465: socket error]')).toEqual([]);
  });

  it("reads Exim's host line that names only an address, and sendmail's transcript flattened onto one line", () => {
    const exim =
      'SMTP error from remote mail server after end of data:\n    host [2001:db8::1a]:\n    550-5.7.1 Our system has detected an unusual rate\n    550 5.7.1 of unsolicited mail.';
    expect(pick(exim)).toEqual([{ code: '5.7.1', reply: '550', server: undefined, ip: '2001:db8::1a' }]);
    const sendmail =
      '----- Transcript of session follows ----- ... while talking to mx.contoso.com.: >>> RCPT To:<jane@contoso.com> <<< 550 <jane@contoso.com>... User unknown';
    expect(pick(sendmail)).toEqual([{ code: '5.0.0', reply: '550', server: 'mx.contoso.com', ip: undefined }]);
  });

  it("reads iCloud's Remote system: label, an NDR's returned <X #code> without quotes, and a name an archive repeats as its link", () => {
    const icloud =
      ' Diagnostic code: smtp;550-5.1.1 The email account that you tried to reach does not exist.\n Remote system: dns;mx.contoso.com (TCP|203.0.113.30|53619|203.0.113.31|25)';
    expect(pick(icloud)).toEqual([{ code: '5.1.1', reply: '550', server: 'mx.contoso.com', ip: undefined }]);
    expect(pick('Remote Server returned <mx.contoso.com #5.7.26 smtp; 550-5.7.26 This mail is unauthenticated 550 5.7.26 instructions.')).toEqual([
      { code: '5.7.26', reply: '550', server: 'mx.contoso.com', ip: undefined },
    ]);
    expect(pick('--- host mx.contoso.com [mx.contoso.com][2001:db8::1b] said: 550-5.7.1 Our system has detected 550 5.7.1 information.')).toEqual([
      { code: '5.7.1', reply: '550', server: 'mx.contoso.com', ip: '2001:db8::1b' },
    ]);
    expect(pick('host mx.contoso.com[*********] said:\n421 4.7.0 [TSS04] Messages from ********* temporarily deferred')).toEqual([
      { code: '4.7.0', reply: '421', server: 'mx.contoso.com', ip: undefined },
    ]);
  });

  it("reads Outlook's send error in other languages, and keeps a generic reply from another server beside a specific one", () => {
    const es =
      "Cuenta: 'Trabajo', Servidor: 'smtp.contoso.com', Protocolo: SMTP, Respuesta del servidor: '550 <jane@contoso.com>... Retransmisión denegada', Puerto: 25";
    expect(pick(es)).toEqual([{ code: '5.0.0', reply: '550', server: 'smtp.contoso.com', ip: undefined }]);
    const fr = "Compte : 'Travail', Serveur : 'smtp.contoso.com', Protocole : SMTP, Réponse du serveur : '554 5.7.1 Relaying denied', Port : 25";
    expect(pick(fr)).toEqual([{ code: '5.7.1', reply: '554', server: 'smtp.contoso.com', ip: undefined }]);
    const two =
      'host mx1.contoso.com[203.0.113.32] refused to talk to me: 554 Blocked (BL)\nhost mx2.contoso.com[203.0.113.33] refused to talk to me: 554 5.7.1 You are not allowed to connect.';
    expect(pick(two)).toEqual([
      { code: '5.0.0', reply: '554', server: 'mx1.contoso.com', ip: '203.0.113.32' },
      { code: '5.7.1', reply: '554', server: 'mx2.contoso.com', ip: '203.0.113.33' },
    ]);
  });

  it('reads Postfix wrapped after refused to talk to me:, a host name in words starting with host, and a line that starts with the name', () => {
    expect(pick('host mx.contoso.com[203.0.113.34] refused to talk to me: \n554 IP=203.0.113.35 - A problem occurred. (BL)')).toEqual([
      { code: '5.0.0', reply: '554', server: 'mx.contoso.com', ip: '203.0.113.34' },
    ]);
    expect(pick('SMTP error from remote mailer after end of data:\nhost host.contoso.com [203.0.113.36]: 552 Illegal Attachment')).toEqual([
      { code: '5.0.0', reply: '552', server: 'host.contoso.com', ip: '203.0.113.36' },
    ]);
    expect(pick('gmail-smtp-in.l.google.COM: 550-5.7.26 This mail has been blocked because the sender is unauthenticated.')).toEqual([
      { code: '5.7.26', reply: '550', server: 'gmail-smtp-in.l.google.COM', ip: undefined },
    ]);
    // An exception's dotted name is not a server's.
    for (const text of [
      'System.Net.Mail.SmtpException: 550 5.7.1 Unable to relay',
      'Foo.Bar.SmtpException: 550 5.7.1 Unable to relay',
      'javax.mail.smtp.error: 550 5.7.1 Unable to relay',
    ])
      expect(pick(text)[0].server, text).toBeUndefined();
  });

  it("reads a client's log of the greeting, a list item of replies, and a code a web page glued to its text", () => {
    const codeigniter =
      'ERROR - 2021-02-26 14:11:03 --> 220 ESMTP smtp.contoso.com\nhello: 250-out1.contoso.io\nto: 553 5.7.1 jane@fabrikam.com: Sender address rejected';
    expect(pick(codeigniter)).toEqual([{ code: '5.7.1', reply: '553', server: 'smtp.contoso.com', ip: undefined }]);
    const items = '- `554 mta1.sys.contoso.net contoso 192.0.2.1 PTR record required.`\n- `554 mta2.mail.contoso.net contoso 192.0.2.2 Blocked for spam.`';
    expect(pick(items)).toEqual([
      { code: '5.0.0', reply: '554', server: 'mta1.sys.contoso.net', ip: undefined },
      { code: '5.0.0', reply: '554', server: 'mta2.mail.contoso.net', ip: undefined },
    ]);
    expect(parseErrors('554 5.4.14Hop count exceeded - possible mail loop')).toMatchObject([
      { enhancedCode: '5.4.14', description: 'Hop count exceeded - possible mail loop' },
    ]);
    // Without the reply code before it, a number glued to a word is a version.
    expect(parseErrors('Upgraded to 5.4.14Beta yesterday')).toEqual([]);
    // A client's protocol log names the server as it replied, not as a setting (`SERVER: 554-name …`).
    expect(
      pick('SERVER: 554-kundenserver.contoso.de (mx1) ESMTP Service not available\nSERVER: 554 invalid DNS PTR resource record')[0].server,
    ).toBeUndefined();
  });

  it("reads a Postfix host wrapped inside 'refused to talk to me', Exim's bounce flattened onto one line, and a generic dsn= before the reply's own code", () => {
    const postfix =
      '<jane@contoso.com>: host mx.contoso.com[203.0.113.60] refused to talk to\nme: 554-contoso.com ESMTP Service not available\n554-No SMTP service 554-IP address is black listed. 554 For explanation\nvisit https://postmaster.contoso.com/';
    expect(pick(postfix)).toEqual([{ code: '5.0.0', reply: '554', server: 'mx.contoso.com', ip: '203.0.113.60' }]);
    const exim =
      'The following address(es) failed: jane@contoso.com host smx1.contoso.com [203.0.113.61] SMTP error from remote mail server after end of data: 550 Action not taken';
    expect(pick(exim)).toEqual([{ code: '5.0.0', reply: '550', server: 'smx1.contoso.com', ip: '203.0.113.61' }]);
    const sendmail =
      'sendmail[7488]: w344QRId020581: to=<jane@contoso.com>, relay=mta5.contoso.net. [203.0.113.62], dsn=4.0.0, stat=Deferred: 421 4.7.0 [TSS04] Messages temporarily deferred';
    expect(pick(sendmail)).toEqual([{ code: '4.7.0', reply: '421', server: 'mta5.contoso.net', ip: '203.0.113.62' }]);
  });

  it("reads Exchange 2010's 'X #550 5.7.64 … ##' line, not Exchange 2003's trailer naming the server that wrote the NDR", () => {
    const ndr = (line: string) => `Diagnostic information for administrators:\n\nGenerating server: EX01.fabrikam.local\n\njane@contoso.com\n${line}`;
    expect(pick(ndr('contoso-com.mail.protection.outlook.com #550 5.7.64 TenantAttribution; Relay Access Denied ##'))).toEqual([
      { code: '5.7.64', reply: '550', server: 'contoso-com.mail.protection.outlook.com', ip: undefined },
    ]);
    expect(pick(ndr('EX01.fabrikam.local #550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##'))[0].server).toBeUndefined();
    expect(pick('The following recipient(s) could not be reached:\nUser1 on date\nServername.fabrikam.com #5.5.3')[0].server).toBeUndefined();
    expect(pick("The message could not be delivered because the recipient's mailbox is full.\n<contoso.com #5.2.2>")[0].server).toBeUndefined();
  });

  it("reads where Exchange tried from its fields on a line away from the error, never one of Microsoft's own servers", () => {
    const trace =
      'Reason: [{LED=450 4.4.317 Cannot connect to remote server [Message=SubjectMismatch Expected\n\nSubject: *.contoso.com.] [LastAttemptedServerName=mail.contoso.com]';
    expect(pick(trace)).toEqual([{ code: '4.4.317', reply: '450', server: 'mail.contoso.com', ip: undefined }]);
    const tracking =
      '{[{LED=550 5.7.51 TenantInboundAttribution; There is a partner connector configured\n[CH3PEPF00000016.namprd21.prod.outlook.com]};{MSG=};{FQDN=contoso-com.mail.protection.outlook.com};{IP=203.0.113.70}]}';
    expect(pick(tracking)[0].server).toBe('contoso-com.mail.protection.outlook.com');
    expect(pick('450 4.4.316 Connection refused\n\n\n[LastAttemptedServerName=CO1PR01MB1234.prod.exchangelabs.com]')[0].server).toBeUndefined();
  });

  it("reads a Postfix reason that starts with the host, a postmaster transcript's greeting, Exchange 2003's <X #5.5.0 smtp;550 …> and Exchange Online's 'X gave this error:'", () => {
    expect(pick('  contoso-com.mail.protection.outlook.com[203.0.113.71] said:\n    550 5.4.1 Recipient address rejected: Access denied.')).toEqual([
      { code: '5.4.1', reply: '550', server: 'contoso-com.mail.protection.outlook.com', ip: '203.0.113.71' },
    ]);
    expect(pick(' Out: 220 mx.contoso.com ESMTP Postfix\n In:  STARTTLS\n Out: 454 4.7.0 TLS not available due to local problem')).toEqual([
      { code: '4.7.0', reply: '454', server: 'mx.contoso.com', ip: undefined },
    ]);
    expect(pick('There was a SMTP communication problem.\n<mx.contoso.com #5.5.0 smtp;550 Your e-mail was rejected for policy reasons>')).toEqual([
      { code: '5.5.0', reply: undefined, server: 'mx.contoso.com', ip: undefined },
    ]);
    const exo = '**mx1.contoso.com** gave this error:\nRemote server returned an error -> 550 Message was retried the maximum of (10) times';
    expect(pick(exo)).toEqual([{ code: '5.0.0', reply: '550', server: 'mx1.contoso.com', ip: undefined }]);
    // A page that lost the name and the address (`host[] said:`) names nothing.
    expect(pick('host[] said: 550 SC-001 (BAY004-MC6F18) Unfortunately, messages from x.x.x.x were not sent.')[0].server).toBeUndefined();
  });

  it("reads Exim's bounce wrapped after host: the next line starts with the name and address before the reply", () => {
    const bounce = [
      '2024-05-02 07:14:17 1sXDU2-000189-00 ** jane@contoso.com',
      '  R=dnslookup T=remote_smtp: SMTP error from remote mail server',
      '  after RCPT TO:<jane@contoso.com>: host',
      '  mx3.contoso.com [203.0.113.31]: 553 5.3.0 <jane@contoso.com>... Addressee unknown',
    ].join('\n');
    expect(pick(bounce)).toEqual([{ code: '5.3.0', reply: '553', server: 'mx3.contoso.com', ip: '203.0.113.31' }]);
    // An exception's name before a colon is not a host, with or without a bracket after it.
    expect(pick('smtplib.SMTPDataError: 550 Rejected')).toEqual([{ code: '5.0.0', reply: '550', server: undefined, ip: undefined }]);
  });

  it('keeps the server a multi-line reply without an enhanced code names on its first line for its last line', () => {
    expect(pick('host mx.contoso.com [203.0.113.32]: 451-203.0.113.7 is not yet authorized\n451 Please try later.')).toEqual([
      { code: '4.0.0', reply: '451', server: 'mx.contoso.com', ip: '203.0.113.32' },
    ]);
    expect(pick('<jane@contoso.com>: host mx.contoso.com[203.0.113.33] said: 550-Mailbox unknown\n550 Try another address')).toEqual([
      { code: '5.0.0', reply: '550', server: 'mx.contoso.com', ip: '203.0.113.33' },
    ]);
    // The server named stays with that reply only: a reply after it names none.
    expect(pick('host mx.contoso.com [203.0.113.34]: 451-greylisted\n451 Please try later.\nThe error we get:\n550 Relay access denied')).toEqual([
      { code: '4.0.0', reply: '451', server: 'mx.contoso.com', ip: '203.0.113.34' },
      { code: '5.0.0', reply: '550', server: undefined, ip: undefined },
    ]);
  });

  it("reads a log line's bare reply after the line's own numbers (delay=, a count)", () => {
    const line =
      'postfix/smtp[8909]: 774C14AEF2: to=<jane@contoso.com>, relay=mx.contoso.com[203.0.113.35]:25, delay=423, status=deferred (host mx.contoso.com[203.0.113.35] said: 451 Local Error (in reply to end of DATA command))';
    expect(pick(line)).toEqual([{ code: '4.0.0', reply: '451', server: 'mx.contoso.com', ip: '203.0.113.35' }]);
    // Numbers without a reply's frame stay numbers, however many the line holds.
    expect(parseErrors('Queue summary: 450, 421, 550, 554 and 451 messages by state')).toEqual([]);
  });

  it("does not take an Exim log field's number (S=566) for a reply; a longer key's value still is one", () => {
    expect(parseErrors('2021-08-25 20:26:49 1mIxbt-0001eM-09 <= ik@contoso.com H=localhost [127.0.0.1] P=esmtpa S=566 id=9a79db9f@contoso.com')).toEqual([]);
    expect(pick('smtp_response=550 Mailbox unavailable')).toEqual([{ code: '5.0.0', reply: '550', server: undefined, ip: undefined }]);
  });
});
