import { describe, expect, it } from 'vitest';
import { parseErrors } from '../../src/parse/parse-errors';

/** Replies and servers as clients, sessions and other servers write them, with inputs made up for each rule. */
const pick = (text: string) => parseErrors(text).map((e) => ({ code: e.enhancedCode, reply: e.replyCode, server: e.server, ip: e.ip }));

describe('bare replies that clients and sessions quote', () => {
  it('reads a reply quoted after a colon by a client exception or log, once, with its class', () => {
    for (const text of [
      'Net::SMTPFatalError: 550 The from address does not match a verified Sender Identity',
      'Error: all recipients were rejected: 550-Requested action not taken: mailbox unavailable 550 Failure sending mail.',
      "RecipientError: data: '550-Verification failed for <jane@contoso.com>\\r\\n550 unable to verify sender address'",
      'gomail: could not send email 1: Mail: 501 Mail from address must be same as authorization user',
    ]) {
      expect(parseErrors(text), text).toMatchObject([{ enhancedCode: `${text.match(/: '?([45])\d\d/)?.[1]}.0.0`, enhancedCodeInferred: true }]);
    }
    // A count after a colon is not a reply.
    expect(parseErrors('Queue: 550 messages waiting')).toEqual([]);
    expect(parseErrors('Net::SMTP::Error: 550')).toEqual([]);
  });

  it('reads a reply at the start of a line in an SMTP session, under an exception, or ending a multi-line reply', () => {
    const session = [
      '220 mx.contoso.com ESMTP',
      'mail from:<jane@fabrikam.com>',
      '250 OK',
      'rcpt to:<joe@contoso.com>',
      '550 "You are not allowed to send email"',
    ].join('\n');
    expect(parseErrors(session)).toMatchObject([{ enhancedCode: '5.0.0', replyCode: '550', server: 'mx.contoso.com' }]);
    expect(parseErrors('**Net::SMTPFatalError** in **ActionMailer::MailDeliveryJob**\n554 Message rejected: Email address is not verified.')).toMatchObject([
      { enhancedCode: '5.0.0', replyCode: '554' },
    ]);
    const multiLine = '550-"JunkMail rejected - mail.fabrikam.com\n550-[203.0.113.9] is in an RBL, see\n550 https://www.spamhaus.org/query/ip/203.0.113.9"';
    expect(parseErrors(multiLine)).toMatchObject([{ enhancedCode: '5.0.0', replyCode: '550' }]);
    // The same lines without a session, an exception or a continuation are a list of codes.
    expect(parseErrors('550 "You are not allowed to send email"\n554 Message rejected: Email address is not verified.')).toEqual([]);
  });

  it("reads a paste that is a reply, the reply on the line under Exim's frame, and a code Exim doubles", () => {
    const reply = '554 <jane@contoso.com>: Recipient address rejected: Relay access denied';
    expect(pick(`${reply}\n\nWhat does this mean?`)).toEqual([{ code: '5.0.0', reply: '554', server: undefined, ip: undefined }]);
    expect(pick('550-550 relay through this server without authentication.')).toEqual([{ code: '5.0.0', reply: '550', server: undefined, ip: undefined }]);
    expect(pick('SMTP error from remote mail server after end of data:\n550 Action not taken')).toEqual([
      { code: '5.0.0', reply: '550', server: undefined, ip: undefined },
    ]);
    // A Diagnostic-Code's value pasted without its name, inside a longer paste.
    expect(pick('We see this in the log:\nfailed smtp;451 mx.mail.contoso.com Resources temporarily unavailable.')).toEqual([
      { code: '4.0.0', reply: '451', server: 'mx.mail.contoso.com', ip: undefined },
    ]);
    // Introduced by the line above it, too.
    expect(pick(`The error we get:\n${reply}`)).toEqual([{ code: '5.0.0', reply: '554', server: undefined, ip: undefined }]);
    // Not a web server's status line, not the first row of a table of codes, not a number further down in prose.
    expect(parseErrors('500 Internal Server Error\nnginx')).toEqual([]);
    expect(parseErrors('550 Requested action not taken\n551 User not local')).toEqual([]);
    expect(parseErrors('Codes:\n550 Requested action not taken\n551 User not local')).toEqual([]);
    expect(parseErrors('Our relay counted\n554 rejected messages today')).toEqual([]);
  });

  it(".NET's exception words for a server response without a code give its class; a response with a code is read as usual", () => {
    const dotnet = (words: string, response: string) =>
      `System.Net.Mail.SmtpException: ${words} The server response was: ${response}\n   at System.Net.Mail.SmtpClient.Send(MailMessage message)`;
    expect(parseErrors(dotnet('Transaction failed.', '<unknown[10.0.0.5]>: Client host rejected: Access denied'))).toMatchObject([
      { enhancedCode: '5.0.0', enhancedCodeInferred: true, remoteReply: '<unknown[10.0.0.5]>: Client host rejected: Access denied' },
    ]);
    expect(parseErrors(dotnet('Service not available, closing transmission channel.', 'Too many connections'))).toMatchObject([{ enhancedCode: '4.0.0' }]);
    expect(parseErrors(dotnet('Mailbox unavailable.', '5.7.1 Unable to relay')).map((e) => e.enhancedCode)).toEqual(['5.7.1']);
    // Words .NET does not write for a reply code are not read as one.
    expect(parseErrors(dotnet('Failure sending mail.', 'Unable to connect to the remote server'))).toEqual([]);
  });

  it("states the server a client's log, session or configuration names, when the paste names one", () => {
    const log = [
      'Connecting to host address "203.0.113.9" port 25...',
      'Connected to SMTP server "mail.fabrikam.com".',
      'Error: 554 5.7.1 Message rejected',
    ].join('\n');
    expect(parseErrors(log)).toMatchObject([{ enhancedCode: '5.7.1', server: 'mail.fabrikam.com' }]);
    // Configuration pasted after the error counts too (YAML folded under its parent key).
    const yaml = [
      'Expected response code 354 but got code "503", with message "503 RCPT first (#5.5.1)',
      'mailer:',
      '  smtp:',
      '    server: smtp.fabrikam.com',
      '    port: 25',
    ].join('\n');
    expect(parseErrors(yaml)).toMatchObject([{ enhancedCode: '5.5.1', replyCode: '503', server: 'smtp.fabrikam.com' }]);
    // A greeting outranks the name that was dialled; two configured servers name none.
    const telnet = 'nc -C fabrikam.com 25\n220 mx1.fabrikam.com ESMTP ready\nRCPT TO: joe\n550 5.7.1 Service unavailable';
    expect(parseErrors(telnet)[0].server).toBe('mx1.fabrikam.com');
    expect(parseErrors('host: smtp1.fabrikam.com\nhost: smtp2.fabrikam.com\nError: 535 5.7.3 Authentication unsuccessful')[0].server).toBeUndefined();
    // The report's own server is never taken for it.
    expect(parseErrors('Generating server: BN6PR11MB1234.namprd11.prod.outlook.com\n\nError: 550 5.7.1 Rejected')[0].server).toBeUndefined();
    // Exchange Online's newer NDR labels the remote server after the error.
    expect(
      parseErrors('Reported error: 550 5.1.1 User unknown DSN generated by: BN6PR11MB1234.namprd11.prod.outlook.com Remote server: mx.fabrikam.com')[0].server,
    ).toBe('mx.fabrikam.com');
  });

  it('puts the links Markdown makes of names back as the names', () => {
    expect(pick('Remote-MTA: dns; [mx.fabrikam.com](http://mx.fabrikam.com/)\nDiagnostic-Code: smtp; 554 5.7.1 rejected')[0].server).toBe('mx.fabrikam.com');
    const wrapped =
      '<joe@fabrikam.com>](mailto:joe@fabrikam.com): host mx.fabrikam.com[203.0.113.9] said:\n    550 5.7.1 blocked (in reply to end of DATA command)';
    expect(parseErrors(wrapped)).toMatchObject([{ enhancedCode: '5.7.1', server: 'mx.fabrikam.com', recipient: 'joe@fabrikam.com' }]);
    // A link whose text is not its target stays as written.
    expect(parseErrors('550 5.7.1 see [the policy](https://contoso.com/policy)')[0].description).toContain('[the policy](https://contoso.com/policy)');
  });

  it("reads Postfix's verbose session log, Swift Mailer's 'with message', a mailer DSN and the poster's words for the server", () => {
    expect(pick('postfix/smtp[699]: < smtp.fabrikam.com[203.0.113.9]:587: 530 5.7.57 Client not authenticated to send mail.')).toEqual([
      { code: '5.7.57', reply: '530', server: 'smtp.fabrikam.com', ip: '203.0.113.9' },
    ]);
    expect(pick('Expected response code "250" but got code "550", with message "550 MIME message is missing From header".')).toEqual([
      { code: '5.0.0', reply: '550', server: undefined, ip: undefined },
    ]);
    expect(pick('MAILER_DSN=smtp://user:secret@smtp.fabrikam.com:465\nError: 535 5.7.3 Authentication unsuccessful')[0].server).toBe('smtp.fabrikam.com');
    expect(pick('When trying to send mail to smtp.fabrikam.com, I get the error message:\n535 5.7.139 Authentication unsuccessful')[0].server).toBe(
      'smtp.fabrikam.com',
    );
    // A recipient's domain in the same words is not a server's name.
    expect(pick('Sending mail to fabrikam.com fails:\nError: 550 5.1.1 unknown')[0].server).toBeUndefined();
  });

  it("reads the server a client names as it connects, in other words and languages, and an SES event's remote address", () => {
    expect(pick('Connecting to smtp.fabrikam.com at 465\nSent: MAIL FROM:<>\nGot: 553 5.7.1 Sender address rejected')[0].server).toBe('smtp.fabrikam.com');
    expect(pick('Host name: smtp-relay.fabrikam.com\nPort: 25\n\nFailed: 5.7.0 Mail relay denied')[0].server).toBe('smtp-relay.fabrikam.com');
    expect(pick("Resposta do Servidor: 454 4.7.1 <*@fabrikam.com>: Relay access denied\nServidor: 'vmail.fabrikam.com'")[0].server).toBe('vmail.fabrikam.com');
    expect(pick('{"status": "5.3.0", "diagnosticCode": "smtp; 552 1 Requested mail action aborted"}\n{"remoteMtaIp": "203.0.113.7"}')[0]).toMatchObject({
      code: '5.3.0',
      ip: '203.0.113.7',
    });
    expect(pick('javax.mail.MessagingException: Could not connect to SMTP host: smtp.fabrikam.com, port: 25, response: 554')).toEqual([
      { code: '5.0.0', reply: '554', server: 'smtp.fabrikam.com', ip: undefined },
    ]);
    expect(pick('Error: Message failed: 554 6.6.0 Error sending message for delivery.')).toMatchObject([{ code: '5.0.0', reply: '554' }]);
  });

  it('gives an expired form the destination of its attempts, and reads a log line wrapped before its status', () => {
    const ndr = [
      'jane@fabrikam.com',
      "Server at BN6PR11MB1234.namprd11.prod.outlook.com returned '550 5.4.317 Message expired, cannot connect to remote server'",
      "Server at 203.0.113.8 (203.0.113.8) returned '450 4.4.317 Cannot connect to remote server [LastAttemptedServerName=mx.fabrikam.com] [LastAttemptedIP=203.0.113.8:25]'",
    ].join('\n');
    expect(pick(ndr).map((e) => [e.code, e.server, e.ip])).toEqual([
      ['5.4.317', 'mx.fabrikam.com', '203.0.113.8'],
      ['4.4.317', 'mx.fabrikam.com', '203.0.113.8'],
    ]);
    expect(pick('sendmail[315]: m1: to=<joe@fabrikam.com>, mailer=esmtp, relay=mail.fabrikam.com.,\ndsn=4.0.0, stat=Deferred')[0].server).toBe(
      'mail.fabrikam.com',
    );
    // A `}` inside the trace's text does not end its group: the FQDN after it is read.
    expect(pick('Reason: [{LED=451 4.7.23 unable to verify SPF i{2b0c-49}};{MSG=};{FQDN=mx.fabrikam.com};{IP=203.0.113.10}]')[0]).toMatchObject({
      server: 'mx.fabrikam.com',
      ip: '203.0.113.10',
    });
  });

  it("reads a client's settings in code and logs, preferring the one named for SMTP", () => {
    expect(pick("$mail->Host = 'mail.fabrikam.com';\nSMTP Error: data not accepted. SMTP code: 550")[0]).toBeUndefined();
    expect(pick("$mail->Host = 'mail.fabrikam.com';\nMailer Error: 550 5.7.1 Message rejected as spam")[0].server).toBe('mail.fabrikam.com');
    expect(pick('SMTP_ADDR = smtp.fabrikam.com\nfailed to issue MAIL command: 550 5.7.1 denied')[0].server).toBe('smtp.fabrikam.com');
    const proxy = '[IMAP-1993]\nserver_address = imap.fabrikam.com\n[SMTP-1587]\nserver_address = smtp.fabrikam.com\n\n530 5.7.57 Client not authenticated';
    expect(pick(proxy)[0].server).toBe('smtp.fabrikam.com');
    expect(pick('CONNECTED domain=fabrikam.com mx=mx01.fabrikam.com[203.0.113.4]\nGreeting: 554 5.7.0 Blocked')[0].server).toBe('mx01.fabrikam.com');
    // ZoneMTA's DEFERRED line repeats the recipient's domain as `mx=`; the host it CONNECTED to, with its address, is the one dialled.
    const zone =
      'DEFERRED[network] to=jo@fabrikam.com mx=fabrikam.com (554 Blocked)\nCONNECTED domain=fabrikam.com mx=mx02.fabrikam.com[203.0.113.5]\nerror="Invalid greeting. response=554 Blocked"';
    expect(pick(zone)[0].server).toBe('mx02.fabrikam.com');
    expect(pick('DEFERRED[network] to=jo@fabrikam.com mx=fabrikam.com\nerror="Invalid greeting. response=554 Blocked"')[0].server).toBeUndefined();
    expect(pick('I want to send via smtp.fabrikam.com and get: 5.7.3 STARTTLS is required to send mail')[0].server).toBe('smtp.fabrikam.com');
  });

  it('reads a wrapped multi-line reply where its frame is, and a name logged with its mail port', () => {
    const wrapped =
      '    smtp.fabrikam.com[203.0.113.11] said: 554-Transaction failed 554-Reject due\n    to policy restrictions. 554 For explanation visit\n    https://postmaster.fabrikam.com/ (in reply to end of DATA command)';
    expect(pick(wrapped)).toEqual([{ code: '5.0.0', reply: '554', server: 'smtp.fabrikam.com', ip: '203.0.113.11' }]);
    expect(
      pick("SMTP ([::ffff:10.6.4.54]:50627-{[::ffff:10.6.61.31]:25}-smtp.fabrikam.com:587; user) <-- b'535 5.7.3 Authentication unsuccessful'")[0].server,
    ).toBe('smtp.fabrikam.com');
    expect(pick('the smtp server from outlook `smtp-mail.fabrikam.com:587`\n550 5.7.1 denied')[0].server).toBe('smtp-mail.fabrikam.com');
    expect(pick('we send through fabrikam (SMTP server: smtp.fabrikam.com) and get\n451 4.7.0 Temporary server error')[0].server).toBe('smtp.fabrikam.com');
  });

  it("reads 'Server responded with 550 …' and OpenSMTPD's relay=<address>", () => {
    expect(pick('host : "smtp.fabrikam.com",\nmessage: \'Server responded with 550 esmtp: protocol deviation\'')).toEqual([
      { code: '5.0.0', reply: '550', server: 'smtp.fabrikam.com', ip: undefined },
    ]);
    expect(pick('relay: TempFail for c5: from=<a@b.c>, to=<d@b.c>, relay=203.0.113.12 (mx), delay=6m, stat=451 Temporary failure')).toEqual([
      { code: '4.0.0', reply: '451', server: undefined, ip: '203.0.113.12' },
    ]);
  });

  it('reads a Format-List value wrapped over the blank line a double-spaced paste puts in, and keeps other blank lines', () => {
    const doubleSpaced = [
      'EventId                 : FAIL',
      '',
      'RecipientStatus         : {[{LED=501 5.1.4 Recipient address reserved by RFC',
      '',
      '                          2606};{MSG=};{FQDN=mx.fabrikam.com};{IP=203.0.113.13};{LRT=12/22/2020 2:28:06 AM}]}',
    ].join('\n');
    expect(pick(doubleSpaced)).toEqual([{ code: '5.1.4', reply: '501', server: 'mx.fabrikam.com', ip: '203.0.113.13' }]);
    // A blank line before a line that does not continue the value still ends the block.
    expect(parseErrors('Status: 5.1.1\n\n  450 4.4.316 Connection refused').map((e) => e.enhancedCode)).toEqual(['5.1.1', '4.4.316']);
  });

  it("reads Postfix's server X[ip] said: and a host line wrapped before said:, and more of a client's settings", () => {
    expect(
      pick('postfix/smtp[17]: 9B: SASL authentication failed; server smtp.fabrikam.com[203.0.113.14] said: 535 5.7.3 Authentication unsuccessful'),
    ).toEqual([{ code: '5.7.3', reply: '535', server: 'smtp.fabrikam.com', ip: '203.0.113.14' }]);
    expect(pick('host    mx.fabrikam.com[203.0.113.15] said: 550 5.7.1 blocked')[0].server).toBe('mx.fabrikam.com');
    expect(pick('host eur.fabrikam.com[]\nsaid: 550 5.7.1 Unfortunately, messages from [x] were not sent.')[0].server).toBe('eur.fabrikam.com');
    expect(pick('smtp = list(host.name = "smtp.fabrikam.com", port = 587)\n535 5.7.3 Authentication unsuccessful')[0].server).toBe('smtp.fabrikam.com');
    expect(
      pick("Send-MailMessage -From a@fabrikam.com -SmtpServer 'mbx.fabrikam.com'\n421 4.4.2 Message submission rate for this client has exceeded")[0].server,
    ).toBe('mbx.fabrikam.com');
  });

  it('reads the host other servers name in their own shapes', () => {
    expect(pick("(host 'mx.fabrikam.com' rejected command 'RCPT TO:<joe@fabrikam.com>' with code 550 (5.1.1) 'Mailbox unknown')")).toEqual([
      { code: '5.1.1', reply: '550', server: 'mx.fabrikam.com', ip: undefined },
    ]);
    expect(pick('554 5.4.0 <ms1.fabrikam.com #4.4.1>')[0]).toMatchObject({ code: '5.4.0', server: 'ms1.fabrikam.com' });
    expect(pick("Generating server: EX01.contoso.com\n\nmx.fabrikam.com\nRemote server returned '554 5.7.1 No valid DKIM signature found'")[0].server).toBe(
      'mx.fabrikam.com',
    );
  });

  it("ends a quoted reply at a quote glued to the next word, but not at a contraction's apostrophe", () => {
    expect(parseErrors("delayed '400 4.4.7 Message delayed'and a '421 4.4.0 Remote server response was not RFC' error").map((e) => e.enhancedCode)).toEqual([
      '4.4.7',
      '4.4.0',
    ]);
    expect(parseErrors("Remote Server returned '550 5.1.1 User doesn't exist here'")[0].description).toBe("User doesn't exist here");
    // A quote after a blank, before a digit, opens the reply a quoted wrapper quotes: one failure.
    const wrapped = '"451 4.4.0 Primary target IP address responded with: "451 5.7.3 Cannot achieve Exchange Server authentication." Attempted failover"';
    expect(parseErrors(wrapped)).toMatchObject([{ enhancedCode: '4.4.0', quotedCodes: ['5.7.3'] }]);
  });

  it('reads the server from a session as swaks, smtplib, PHPMailer and a tree log print it: its greeting or its answer to EHLO', () => {
    const swaks = ['=== Connected to 203.0.113.40.', '<-  220 mx.fabrikam.com ESMTP', ' -> RCPT TO:<joe@fabrikam.com>', '<** 450 4.1.8 Domain not found'].join(
      '\n',
    );
    expect(pick(swaks)).toEqual([{ code: '4.1.8', reply: '450', server: 'mx.fabrikam.com', ip: undefined }]);
    const smtplib = [
      "send: 'ehlo [10.0.2.15]\\r\\n'",
      "reply: b'250-smtp.fabrikam.com at your service, [198.51.100.7]\\r\\n'",
      "reply: b'250 SMTPUTF8\\r\\n'",
      "send: 'mail FROM:<joe@fabrikam.com>\\r\\n'",
      "reply: b'530 5.5.1 Authentication Required.\\r\\n'",
    ].join('\n');
    expect(pick(smtplib)[0]).toEqual({ code: '5.5.1', reply: '530', server: 'smtp.fabrikam.com', ip: undefined });
    const phpmailer = 'SERVER -> CLIENT: 220 smtp.fabrikam.com ESMTP ready\nCLIENT -> SERVER: MAIL FROM:<a@b.com>\nSERVER -> CLIENT: 550 5.7.1 Relaying denied';
    expect(pick(phpmailer)[0].server).toBe('smtp.fabrikam.com');
    const tree = 'SERVER 1:\n└──220 mail.fabrikam.com ESMTP Sendmail\nSERVER 1:\n└──550 5.7.1 <joe@contoso.com>... Relaying denied';
    expect(pick(tree)[0].server).toBe('mail.fabrikam.com');
    // A greeting outranks the answer to EHLO when they differ; a success's own words (`250 2.1.0 Ok`) name no server.
    const both = '220 smtp.fabrikam.com ESMTP\n250-mx07.fabrikam.com Hello\n250 2.1.0 Ok\n550 5.7.1 Denied';
    expect(pick(both)[0].server).toBe('smtp.fabrikam.com');
    expect(pick('250 2.1.0 Ok\n250 2.1.5 Ok\n554 5.7.1 Relay access denied')[0].server).toBeUndefined();
  });

  it("reads the server from Exim's debug transcript and Exchange's protocol log, by the direction each marks", () => {
    const exim = [
      '  41   SMTP<< 220 mx.fabrikam.com ESMTP',
      '  41   SMTP>> EHLO relay.contoso.com',
      '  41   SMTP<< 530 5.7.1 Client was not authenticated',
    ].join('\n');
    expect(pick(exim)[0].server).toBe('mx.fabrikam.com');
    expect(pick(exim.replace('220 mx.fabrikam.com ESMTP', '250-gw.fabrikam.com Hello [203.0.113.3]'))[0].server).toBe('gw.fabrikam.com');
    // What Exim itself said (`SMTP>>`) is the sender's side.
    expect(pick('  41   SMTP>> 250-relay.contoso.com Hello\n  41   SMTP<< 530 5.7.1 Client was not authenticated')[0].server).toBeUndefined();
    const log = (line: string) =>
      [
        `2024-03-01T10:00:00.000Z,To Fabrikam,08DC0000000000A1,1,192.0.2.10:50000,203.0.113.25:25,<,${line},`,
        '2024-03-01T10:00:00.100Z,To Fabrikam,08DC0000000000A1,2,192.0.2.10:50000,203.0.113.25:25,>,EHLO ex01.contoso.com,',
        '451 4.4.0 Primary target IP address responded with: "451 5.7.3 Must issue a STARTTLS command first."',
      ].join('\n');
    expect(pick(log('220 mail.fabrikam.com Microsoft ESMTP MAIL Service ready'))[0].server).toBe('mail.fabrikam.com');
    expect(parseErrors(log('250-<Server>.mail.protection.outlook.com Hello [192.0.2.10]'))[0]).toMatchObject({
      enhancedCode: '4.4.0',
      serverPlaceholder: '<Server>.mail.protection.outlook.com',
    });
  });

  it('reads settings named for mail with a product prefix, PHP arrays, Odoo and JavaMail JSON logs, and a variable as a placeholder', () => {
    expect(
      pick('PAPERLESS_EMAIL_HOST = mx.fabrikam.com\nPAPERLESS_EMAIL_PORT = 587\nSMTPRecipientsRefused: 504 5.5.2 need fully-qualified address')[0].server,
    ).toBe('mx.fabrikam.com');
    expect(pick('SMTP_ADDRESS=smtp.fabrikam.com\nNet::SMTPFatalError: 550 The from address does not match')[0].server).toBe('smtp.fabrikam.com');
    expect(pick("'transport' => ['host' => 'mail.fabrikam.com', 'port' => '25'],\n530 5.7.0 Authentication required")[0].server).toBe('mail.fabrikam.com');
    expect(pick("Mail delivery failed via SMTP server 'box12.fabrikam.com'.\nSMTPRecipientsRefused: (550, 'Sender verify failed')")[0].server).toBe(
      'box12.fabrikam.com',
    );
    const json =
      '{"log":"Failed to send a email: 550 The from address does not match\\n"}\n{"log":"DEBUG SMTP: connected to host \\"smtp.fabrikam.com\\", port: 465\\n"}';
    expect(pick(json)[0].server).toBe('smtp.fabrikam.com');
    const variable = parseErrors('MP_SMTP_RELAY_HOST: ${RELAY_HOST}\nerror response to RCPT command: 550 5.7.1 Relaying denied');
    expect(variable[0]).toMatchObject({ enhancedCode: '5.7.1', serverPlaceholder: '${RELAY_HOST}' });
    expect(variable[0].server).toBeUndefined();
    // Another service's setting is not the mail server: a database's or an IMAP server's.
    expect(pick('DB_HOST=db.fabrikam.com\nIMAP_HOST=imap.fabrikam.com\n535 5.7.3 Authentication unsuccessful')[0].server).toBeUndefined();
  });

  it("reads a PHP stream's ssl:// server, settings labelled in Chinese, Japanese and Korean, and a provider's `X(ip) reply:`", () => {
    expect(pick('(ssl://smtphz.fabrikam.com:994) DATA - 554 5.5.0 MI:STC')[0].server).toBe('smtphz.fabrikam.com');
    for (const label of ['smtp地址：', 'SMTP服务器:', 'SMTPサーバー：', 'SMTP 서버: '])
      expect(pick(`${label}smtp.fabrikam.com\n535 5.7.3 Authentication unsuccessful`)[0].server, label).toBe('smtp.fabrikam.com');
    expect(pick('远程响应 | the mta server of fabrikam.com -- mx3.fabrikam.com(203.0.113.41) reply:550 The "From" header is missing')).toEqual([
      { code: '5.0.0', reply: '550', server: 'mx3.fabrikam.com', ip: '203.0.113.41' },
    ]);
  });

  it('reads a Postfix host whose brackets hold a placeholder in any script, wrapped before said:', () => {
    const bounce = [
      '<jane@fabrikam.com>:',
      'host mx.fabrikam.com [【送信先メールサーバーのIPアドレス】] said:',
      'This mail is unauthenticated and has been blocked.',
      'The sender should visit https://support.example/81126 for 550 5.7.26 instructions on setting up authentication.',
    ].join('\n');
    expect(pick(bounce)).toEqual([{ code: '5.7.26', reply: '550', server: 'mx.fabrikam.com', ip: undefined }]);
  });

  it("reads Rust lettre's errors: the reply code in parentheses, with or without an enhanced code after it", () => {
    expect(parseErrors('SMTP 5xx error: permanent error (550): Error: content rejected.')).toMatchObject([
      { enhancedCode: '5.0.0', enhancedCodeInferred: true, replyCode: '550', description: 'Error: content rejected.' },
    ]);
    expect(parseErrors('Error: transient error (451): 4.7.1 Greylisted, try again later')).toMatchObject([{ enhancedCode: '4.7.1', replyCode: '451' }]);
    // A number in parentheses elsewhere is no reply.
    expect(parseErrors('exit code (550): see the log')).toEqual([]);
  });

  it("reads the server a script's code dials: Python's SMTP(…) and JavaMail's mail.smtp.host", () => {
    expect(pick("smtper = SMTP('smtp.fabrikam.com')\nsmtplib.SMTPDataError: (554, b'DT:SPM 163 smtp5')")[0].server).toBe('smtp.fabrikam.com');
    expect(pick('server = smtplib.SMTP_SSL("smtp.fabrikam.com", 465)\n(535, b\'5.7.3 Authentication unsuccessful\')')[0].server).toBe('smtp.fabrikam.com');
    expect(pick('props.put("mail.smtp.host", "smtp.fabrikam.com");\nAuthenticationFailedException: 535 5.7.3 Authentication unsuccessful')[0].server).toBe(
      'smtp.fabrikam.com',
    );
  });

  it('reads a reply the poster quotes as inline code in a sentence, not a code span that holds only numbers or a count', () => {
    expect(pick('配置网易系邮件服务，出现`454 Command not permitted when TLS active` 错误时的解决方案。')).toEqual([
      { code: '4.0.0', reply: '454', server: undefined, ip: undefined },
    ]);
    expect(parseErrors('The table lists `550` and `554` as codes, and `421 messages` are queued')).toEqual([]);
  });

  it('takes the name from the answer to EHLO when the banner runs the name into the next word', () => {
    const telnet = [
      '220 Exchange-Server.fabrikam.comMicrosoft ESMTP MAIL Service ready at Thu, 27 Jun 2013 17:04:17 -0400',
      'ehlo',
      '250-Exchange-Server.fabrikam.com Hello [fe80::2174:c9da:4ac0:74c2%13]',
      '250 XSHADOWREQUEST',
      'mail from: user@fabrikam.com',
      '412 4.3.2 Service not active',
    ].join('\n');
    expect(pick(telnet)).toEqual([{ code: '4.3.2', reply: '412', server: 'Exchange-Server.fabrikam.com', ip: undefined }]);
  });

  it('reads the server a telnet test dials by address, any call that dials a name and a mail port, and a Remote server: in a pasted table', () => {
    expect(pick('telnet 127.0.0.1 25 works, the app gets: 504 5.7.4 Unsupported authentication mechanism')).toEqual([
      { code: '5.7.4', reply: '504', server: undefined, ip: '127.0.0.1' },
    ]);
    expect(
      pick("sock = TCPClient('smtp.fabrikam.com', 25, sender)\nFailure: AUTHRequiredError: 502 Server does not support Client Authentication")[0].server,
    ).toBe('smtp.fabrikam.com');
    const table =
      'Reported error: | 550 5.1.1 <list@fabrikam.com>: User unknown\nDSN generated by: | AM0PR04MB6818.eurprd04.prod.outlook.com\nRemote server: | lists.fabrikam.com';
    expect(pick(table)[0]).toMatchObject({ code: '5.1.1', server: 'lists.fabrikam.com' });
  });

  it('states a slot inside a name (`<tenant>.mail.protection.outlook.com`) as the placeholder it is, from a setting or NDR label', () => {
    const setting = parseErrors(
      'SMTP Endpoint: <tenant-domain>.mail.protection.outlook.com\nPort: 25\n550 5.7.1 Service unavailable, Client host [x.x.x.x] blocked using Spamhaus',
    );
    expect(setting[0]).toMatchObject({ enhancedCode: '5.7.1', serverPlaceholder: '<tenant-domain>.mail.protection.outlook.com' });
    expect(setting[0].server).toBeUndefined();
    const ndr = parseErrors(
      'Reported error: 550 5.7.1 Unable to relay\nDSN generated by: CY1PR0601MB1642.namprd06.prod.outlook.com\nRemote server: \\<Server>.Contoso.com',
    );
    expect(ndr[0]).toMatchObject({ enhancedCode: '5.7.1', serverPlaceholder: '<Server>.Contoso.com' });
  });
});
