import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseErrors } from '../../src/parse/parse-errors';

/** Bounces written by MTAs and clients other than Exchange, with inputs made up for each rule. */
const pick = (text: string) => parseErrors(text).map((e) => ({ code: e.enhancedCode, reply: e.replyCode, server: e.server, ip: e.ip }));

describe('other senders name the destination in their own words', () => {
  it("reads Outlook's send error: the reply after Server Response: is the server's named in Server: '…', also when the dialog text wraps", () => {
    const oneLine =
      "The rejected e-mail address was 'jane@contoso.com'. Subject 'Test', Account: 'Work', Server: 'smtp.fabrikam.com', Protocol: SMTP, Server Response: '550 5.7.1 Unable to relay', Port: 25, Secure(SSL): No, Server Error: 550, Error Number: 0x800CCC79";
    expect(pick(oneLine)).toEqual([{ code: '5.7.1', reply: '550', server: 'smtp.fabrikam.com', ip: undefined }]);
    const wrapped = [
      "Subject 'Test', Account: 'Work', Server: 'smtp.fabrikam.com',",
      "Protocol: SMTP, Server Response: '553 sorry, that domain isn't in my list",
      "of allowed rcpthosts (#5.7.1)', Port: 25, Secure(SSL): No, Server Error: 553",
    ].join('\n');
    expect(pick(wrapped).map((e) => [e.code, e.server])).toEqual([['5.7.1', 'smtp.fabrikam.com']]);
    // A bare reply there is the server's too; a placeholder for the server names none.
    expect(pick("Account: (Account name), Server: (Server name), Protocol: SMTP, Server Response: '505 Authentication required', Port: 25")).toEqual([
      { code: '5.0.0', reply: '505', server: undefined, ip: undefined },
    ]);
  });

  it("reads qmail's reply that ends with its code (#X.Y.Z) from its reply code, so the frame before it names the server", () => {
    const outlook =
      "Subject '<test>', account: '<test>', servers: 'smtp.fabrikam.com', Protocol: SMTP, Server Response: '553 Sorry, this domain is not in my list of allowed rcpthosts (#5.7.1)', Port: 25, Secure (SSL): No, Server Error: 553, Error Number: 0x800CCC79.";
    const [e] = parseErrors(outlook);
    expect(e).toMatchObject({
      enhancedCode: '5.7.1',
      replyCode: '553',
      server: 'smtp.fabrikam.com',
      description: 'Sorry, this domain is not in my list of allowed rcpthosts',
    });
    expect(e.remoteReply).toBe('553 Sorry, this domain is not in my list of allowed rcpthosts (#5.7.1)');
    expect(e.quotedCodes).toEqual([]);
    expect(pick('host mx.fabrikam.com [203.0.113.9]: 554 sorry, no mailbox here by that name. (#5.1.1)')).toEqual([
      { code: '5.1.1', reply: '554', server: 'mx.fabrikam.com', ip: '203.0.113.9' },
    ]);
    // Only a reply of the same class, opening a reply, is the code's: a count in the text is not.
    expect(pick('Remote host said: 550 sorry, 250 recipients max (#5.5.3)')[0]).toMatchObject({ code: '5.5.3', reply: '550' });
    expect(pick('mail refused, queue has 450 messages (#5.3.0)')[0].reply).toBeUndefined();
  });

  it("reads the earlier reply Exchange Online quotes after '. Error:' as an error of its own", () => {
    const text =
      'The SMTP server requires a secure connection or the client was not authenticated. The server response was: 5.7.57 Client not authenticated to send mail. Error: 535 5.7.3 Authentication unsuccessful.';
    expect(parseErrors(text)).toMatchObject([
      { enhancedCode: '5.7.57', description: 'Client not authenticated to send mail.' },
      { enhancedCode: '5.7.3', replyCode: '535', description: 'Authentication unsuccessful.' },
    ]);
    // Without the reply code it is prose inside one reply.
    expect(parseErrors('550 5.7.1 Rejected. Error: 5.7.1 seen twice')).toHaveLength(1);
  });

  it('reads a server named in a sentence before its reply: "at remote mailserver X (ip):", "by mail server X:"', () => {
    expect(pick('jane@contoso.com at remote mailserver mx.contoso.com. (203.0.113.9): MessagingException: 421 4.3.2 try again later (5.0.0)')[0]).toEqual({
      code: '4.3.2',
      reply: '421',
      server: 'mx.contoso.com',
      ip: '203.0.113.9',
    });
    expect(pick('Message rejected by mail server mx.contoso.com: Unable to send email, server said: 421 Service closing')[0].server).toBe('mx.contoso.com');
    // Prose around a reply names no server.
    expect(pick('The mail server responded: 4.7.1 Service unavailable - try again later.')[0].server).toBeUndefined();
    expect(pick('SMTP error from remote mail server after RCPT TO:<jane@contoso.com>: 550 5.1.1 unknown user')[0].server).toBeUndefined();
  });

  it("reads where a log line's dsn= failure went from the status text after it (Postfix)", () => {
    const line =
      'postfix/smtp[143]: BB48359B: to=<jane@contoso.com>, relay=none, dsn=4.4.1, status=deferred (connect to mx2.contoso.com[203.0.113.9]:25: Connection timed out)';
    expect(pick(line)).toEqual([{ code: '4.4.1', reply: undefined, server: 'mx2.contoso.com', ip: '203.0.113.9' }]);
    // Only the status text of its own line: the next line's host is not this failure's.
    expect(
      pick('dsn=4.4.3, status=deferred (Name service error for name=contoso.com type=MX)\nconnect to mx.contoso.com[203.0.113.9]:25')[0].server,
    ).toBeUndefined();
  });

  it("reads sendmail's relay=host. [ip] and its dsn=2.0.0, stat=Sent as a delivery", () => {
    const log = [
      'sm-mta[11346]: q4BNpoVr011344: to=<jane@contoso.com>, mailer=esmtp, relay=mx.contoso.com. [203.0.113.9], dsn=5.7.1, stat=Service unavailable',
      'sm-mta[11346]: q4BNppVs011346: to=root, mailer=local, dsn=2.0.0, stat=Sent',
      'sm-mta[11346]: q4BNppVs011347: to=root, mailer=local, dsn=2.0.0, stat=Deferred',
    ].join('\n');
    expect(parseErrors(log).map((e) => [e.enhancedCode, e.server, e.ip, e.outcome])).toEqual([
      ['5.7.1', 'mx.contoso.com', '203.0.113.9', undefined],
      ['2.0.0', undefined, undefined, 'delivered'],
    ]);
  });

  it("reads the host of the old form quoted inside Remote Server returned '<host #5.0.0 smtp; …>'", () => {
    expect(pick("Remote Server returned '<mx.fabrikam.com #5.0.0 smtp; 554 5.7.1 Message rejected>'")).toEqual([
      { code: '5.7.1', reply: '554', server: 'mx.fabrikam.com', ip: undefined },
    ]);
    expect(pick("Remote Server returned '<mx.fabrikam.com #5.0.0 smtp; 550 No such user>'")[0]).toMatchObject({ code: '5.0.0', server: 'mx.fabrikam.com' });
    // Masked as the docs write it: no server.
    expect(pick("Remote Server returned '<xxxxxxxx> #5.7.1 smtp;550 5.7.1 RESOLVER.RST.AuthRequired; authentication required'")[0].server).toBeUndefined();
  });

  it('keeps an old NDR code whose quoted reply has none of its own: #4.0.0 smtp;450 …', () => {
    expect(pick('<mail.fabrikam.com #4.0.0 smtp;450 <>: Sender address rejected: Domain not found>').map((e) => e.code)).toEqual(['4.0.0']);
  });

  it('reads Exim\'s "host X [ip]:" before the reply on the same line', () => {
    expect(
      pick(
        '  SMTP error from remote mail server after RCPT TO:<jane@contoso.com>:\n  host mx1.contoso.com [203.0.113.9]: 550 5.1.1 <jane@contoso.com>: unknown user',
      ),
    ).toEqual([{ code: '5.1.1', reply: '550', server: 'mx1.contoso.com', ip: '203.0.113.9' }]);
  });

  it("reads Exim's host line when the SMTP error line stands between it and the reply", () => {
    const text =
      '  jane@contoso.com\n    host mx2.contoso.com [203.0.113.10]\n    SMTP error from remote mail server after MAIL FROM:<me@fabrikam.com>:\n    554 5.7.1 Reverse DNS failed.';
    expect(pick(text)).toEqual([{ code: '5.7.1', reply: '554', server: 'mx2.contoso.com', ip: '203.0.113.10' }]);
  });

  it('reads the 1&1 template "host: X (ip) reason:" and "SMTP:RCPT host ip:"', () => {
    expect(pick('SMTP error from remote server for TEXT command, host: smtp-in.contoso.com (203.0.113.11) reason: 550 5.2.0 Mail rejected')).toEqual([
      { code: '5.2.0', reply: '550', server: 'smtp-in.contoso.com', ip: '203.0.113.11' },
    ]);
    expect(pick('SMTP:RCPT host 203.0.113.12: 553 5.3.0 <jane@contoso.com>... No such user here')).toEqual([
      { code: '5.3.0', reply: '553', server: '203.0.113.12', ip: '203.0.113.12' },
    ]);
  });

  it('reads netqmail\'s one-line "RCPT: <…> ip failed after I sent the message."', () => {
    const text =
      '<jane@contoso.com>:\nFrom: <me@fabrikam.com> RCPT: <jane@contoso.com> 203.0.113.13 failed after I sent the message.\nRemote host said: 550 5.7.26 Unauthenticated email';
    expect(pick(text)).toEqual([{ code: '5.7.26', reply: '550', server: undefined, ip: '203.0.113.13' }]);
  });

  it("reads qmail's multi-line reply after Remote host said:, with the server named above it or on the Giving up line below", () => {
    const reply = 'Remote host said: 554-Transaction failed\n554-Reject due to policy restrictions.\n554 For explanation visit https://contoso.com/guidelines';
    expect(pick(`203.0.113.15 failed after I sent the message.\n${reply}`)).toEqual([{ code: '5.0.0', reply: '554', server: undefined, ip: '203.0.113.15' }]);
    expect(pick(`${reply.replace('\n554-Reject due to policy restrictions.', '')}\nGiving up on 203.0.113.16.`)).toEqual([
      { code: '5.0.0', reply: '554', server: undefined, ip: '203.0.113.16' },
    ]);
  });

  it("reads a hoster's 'X [ip] said:' and qmail's bounce flattened onto one line", () => {
    expect(pick('mx.contoso.com [203.0.113.17] said: 550, quota exceeded')).toEqual([
      { code: '5.0.0', reply: '550', server: 'mx.contoso.com', ip: '203.0.113.17' },
    ]);
    expect(pick('203.0.113.18 does not like recipient. Remote host said: 550 5.1.1 User unknown Giving up on 203.0.113.18.')).toEqual([
      { code: '5.1.1', reply: '550', server: undefined, ip: '203.0.113.18' },
    ]);
  });

  it("reads a reply under sendmail's transcript heading, and the reply code a Postfix log line's status quotes", () => {
    const sendmail =
      '----- Transcript of session follows -----\n451 <jane@contoso.com>... contoso.com: Name server timeout\nWarning: message still undelivered after 4 hours';
    expect(pick(sendmail)).toEqual([{ code: '4.0.0', reply: '451', server: undefined, ip: undefined }]);
    const postfix =
      'postfix/smtp[31298]: 6A9584D5082: to=<jane@contoso.com>, relay=mx.contoso.com[203.0.113.19]:25, dsn=4.0.0, status=deferred (host mx.contoso.com[203.0.113.19] said: 421 Try again later (in reply to DATA command))';
    expect(pick(postfix)).toEqual([{ code: '4.0.0', reply: '421', server: 'mx.contoso.com', ip: '203.0.113.19' }]);
  });

  it('reads Gmail\'s "rejected by the server … by X. [ip]." for the reply below it', () => {
    const text =
      'Google tried to deliver your message, but it was rejected by the server for the recipient domain contoso.com by mx.contoso.com. [203.0.113.14].\n\nThe error that the other server returned was:\n550 5.1.1 <jane@contoso.com>... User Unknown';
    expect(pick(text)).toEqual([{ code: '5.1.1', reply: '550', server: 'mx.contoso.com', ip: '203.0.113.14' }]);
  });

  it('takes the destination of a code-less Postfix failure from "connect to X[ip]:25" for its DSN Status', () => {
    const text =
      '<jane@contoso.com>: connect to mx.contoso.com[203.0.113.15]:25: Connection timed out\n\nFinal-Recipient: rfc822; jane@contoso.com\nAction: delayed\nStatus: 4.4.1';
    expect(parseErrors(text)).toMatchObject([{ enhancedCode: '4.4.1', server: 'mx.contoso.com', ip: '203.0.113.15', port: 25, recipient: 'jane@contoso.com' }]);
  });

  it('reads Remote-MTA values with what MTAs write after the name', () => {
    const dsn = (remote: string) => parseErrors(`Final-Recipient: rfc822; jane@contoso.com\nStatus: 5.1.1\nRemote-MTA: ${remote}`)[0];
    expect(dsn('dns; mx.contoso.com. (203.0.113.16, the server for the domain contoso.com.)')).toMatchObject({ server: 'mx.contoso.com', ip: '203.0.113.16' });
    expect(dsn('dns; mx.contoso.com [203.0.113.17]')).toMatchObject({ server: 'mx.contoso.com', ip: '203.0.113.17' });
    expect(dsn('dns; mx.contoso.com (TCP|192.0.2.1|4711|203.0.113.18|25) (mx.contoso.com ESMTP)')).toMatchObject({ server: 'mx.contoso.com' });
    expect(dsn('dns; 203.0.113.19')).toMatchObject({ server: '203.0.113.19', ip: '203.0.113.19' });
  });

  it('does not take an LMTP socket in the brackets for an IP', () => {
    const [error] = parseErrors('<jane@contoso.com>: host lmtp.contoso.com[private/dovecot-lmtp] said: 552 5.2.2 Quota exceeded');
    expect(error).toMatchObject({ enhancedCode: '5.2.2', server: 'lmtp.contoso.com' });
    expect(error.ip).toBeUndefined();
  });

  it('keeps a Postfix log host wrapped onto the line above "said:"', () => {
    expect(pick('status=bounced (host mx.contoso.com[203.0.113.20]\nsaid: 550 5.7.1 rejected (in reply to end of DATA command))')).toEqual([
      { code: '5.7.1', reply: '550', server: 'mx.contoso.com', ip: '203.0.113.20' },
    ]);
  });

  it('ends a LastAttemptedIP value at an EOP tag when its "]" is missing', () => {
    const [error] = parseErrors(
      "Server at mx.contoso.com (203.0.113.21) returned '450 4.4.316 Connection refused [LastAttemptedIP=203.0.113.21:25 [HK2APC01FT031.eop-APC01.prod.protection.outlook.com](Socket error code 10061)'",
    );
    expect(error).toMatchObject({ ip: '203.0.113.21', port: 25 });
  });
});

describe('client exceptions carry the server reply', () => {
  it('reads the reply code of a Python smtplib tuple', () => {
    expect(pick("smtplib.SMTPRecipientsRefused: {'jane@contoso.com': (550, b'5.1.1 <jane@contoso.com>: Recipient address rejected')}")).toEqual([
      { code: '5.1.1', reply: '550', server: undefined, ip: undefined },
    ]);
  });

  it("names the recipient from smtplib's SMTPRecipientsRefused dict key, with or without an enhanced code in the reply", () => {
    const recipients = (text: string) => parseErrors(text).map((e) => [e.enhancedCode, e.recipient]);
    expect(recipients("smtplib.SMTPRecipientsRefused: {'jane@contoso.com': (550, 'Mailbox not found or access denied')}")).toEqual([
      ['5.0.0', 'jane@contoso.com'],
    ]);
    expect(recipients("SMTPRecipientsRefused: {u'bob@contoso.com': (501, '5.1.5 Recipient address reserved by RFC 2606')}")).toEqual([
      ['5.1.5', 'bob@contoso.com'],
    ]);
    // A key that is not an address names no one.
    expect(recipients("{'code': (550, 'Mailbox not found')}")).toEqual([['5.0.0', undefined]]);
  });

  it('reads a reply code written before "#4.5.3"', () => {
    expect(pick('com.sun.mail.smtp.SMTPAddressFailedException: 452 #4.5.3 Too many recipients.')).toEqual([
      { code: '4.5.3', reply: '452', server: undefined, ip: undefined },
    ]);
  });
});

describe('bare replies without an enhanced code', () => {
  it('reports a framed bare reply with its class as an inferred code', () => {
    const [error] = parseErrors('<jane@contoso.com>: host mx.contoso.com[203.0.113.22] said: 554 Transaction failed (in reply to MAIL FROM command)');
    expect(error).toMatchObject({ enhancedCode: '5.0.0', enhancedCodeInferred: true, replyCode: '554', server: 'mx.contoso.com', ip: '203.0.113.22' });
    expect(parseErrors("(451, b'try again later')")).toMatchObject([{ enhancedCode: '4.0.0', enhancedCodeInferred: true, replyCode: '451' }]);
  });

  it('reads the Exim 554 banner under "after initial connection:"', () => {
    const text =
      '    host mx1.contoso.com [203.0.113.23]\n    SMTP error from remote mail server after initial connection:\n    554 mta1.contoso.com rejects mail from 192.0.2.2';
    expect(pick(text)).toEqual([{ code: '5.0.0', reply: '554', server: 'mx1.contoso.com', ip: '203.0.113.23' }]);
  });

  it('prefers a code the paste shows (DSN Status) over the inferred one', () => {
    const text =
      '<jane@contoso.com>: host mx.contoso.com[203.0.113.24] said: 550 Unknown user\n\nFinal-Recipient: rfc822; jane@contoso.com\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 Unknown user';
    const errors = parseErrors(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ enhancedCode: '5.1.1', replyCode: '550', server: 'mx.contoso.com', ip: '203.0.113.24' });
    expect(errors[0].enhancedCodeInferred).toBeUndefined();
  });

  it('never reads a reply code outside a reply frame (tables, counts, prose)', () => {
    // `550-…` then `550 …` is not in the list: that is a multi-line reply by its very form (RFC 5321 §4.2.1), read below.
    const line = fc.tuple(
      fc.constantFrom('421', '450', '550', '554'),
      fc.constantFrom(' Requested action not taken', ' messages queued', ': Mailbox full', ' errors since 9:00', '\tMailbox unavailable'),
    );
    fc.assert(
      // A table has rows (a paste that is one reply line is that reply, see client-and-session-replies.test.ts).
      fc.property(fc.array(line, { minLength: 2, maxLength: 20 }), (lines) => {
        expect(parseErrors(lines.map(([code, text]) => code + text).join('\n'))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('DSN parts that quote a reply without an enhanced code', () => {
  it('reads a Diagnostic-Code pasted alone, and gives a Status the reply code and words of its Diagnostic-Code', () => {
    expect(parseErrors("Diagnostic-Code: SMTP; 550 SC-001 (BAY0-MC4-F36) Unfortunately, messages from 203.0.113.50 weren't sent.")).toMatchObject([
      {
        enhancedCode: '5.0.0',
        enhancedCodeInferred: true,
        replyCode: '550',
        description: "SC-001 (BAY0-MC4-F36) Unfortunately, messages from 203.0.113.50 weren't sent.",
      },
    ]);
    const dsn =
      'Final-Recipient: rfc822; jane@contoso.com\nAction: failed\nStatus: 4.0.0\nRemote-MTA: dns; mx.contoso.com\nDiagnostic-Code: smtp; 554 mx2.contoso.com';
    expect(parseErrors(dsn)).toMatchObject([{ enhancedCode: '4.0.0', replyCode: '554', description: 'mx2.contoso.com', server: 'mx.contoso.com' }]);
  });

  it("takes Postfix's text part and its DSN part for one failure, with the DSN's status as its code", () => {
    const bounce = [
      '<jane@contoso.com>: host mx.contoso.com[203.0.113.51] refused to talk to me: 554 mx2.contoso.com',
      '',
      'Final-Recipient: rfc822; jane@contoso.com',
      'Action: failed',
      'Status: 4.0.0',
      'Remote-MTA: dns; mx.contoso.com',
      'Diagnostic-Code: smtp; 554 mx2.contoso.com',
    ].join('\n');
    expect(parseErrors(bounce)).toMatchObject([{ enhancedCode: '4.0.0', replyCode: '554', server: 'mx.contoso.com', ip: '203.0.113.51' }]);
    const log =
      'postfix/smtp[1]: to=<jane@contoso.com>, relay=mx.contoso.com[203.0.113.52]:25, dsn=4.0.0, status=deferred (host mx.contoso.com[203.0.113.52] refused to talk to me: 554-contoso.com Service not available)';
    expect(parseErrors(log)).toMatchObject([{ enhancedCode: '4.0.0', replyCode: '554', server: 'mx.contoso.com' }]);
  });
});

describe('one failure told several times is one error', () => {
  it('merges the Postfix text part and its DSN part', () => {
    const text =
      '<jane@contoso.com>: host mx.contoso.com[203.0.113.25] said: 550 5.1.1 unknown (in reply to RCPT TO command)\n\nFinal-Recipient: rfc822; jane@contoso.com\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.contoso.com\nDiagnostic-Code: smtp; 550 5.1.1 unknown';
    expect(parseErrors(text)).toMatchObject([{ enhancedCode: '5.1.1', server: 'mx.contoso.com', ip: '203.0.113.25', recipient: 'jane@contoso.com' }]);
    // Told twice, it happened once: not "2 times in this paste".
    expect(parseErrors(text)[0]?.occurrences).toBeUndefined();
  });

  it("merges sendmail's reason line into the transcript and drops its generic follow-ons", () => {
    const text = [
      '<jane@contoso.com>',
      '    (reason: 550 5.1.1 <jane@contoso.com>... User Unknown)',
      '   ----- Transcript of session follows -----',
      '... while talking to mx.contoso.com.:',
      '>>> DATA',
      '<<< 550 5.1.1 <jane@contoso.com>... User Unknown',
      '550 5.1.1 <jane@contoso.com>... User unknown',
      '<<< 503 5.0.0 Need RCPT (recipient)',
    ].join('\n');
    expect(pick(text)).toEqual([{ code: '5.1.1', reply: '550', server: 'mx.contoso.com', ip: undefined }]);
  });

  it("keeps two recipients' failures apart, each with its destination", () => {
    const text =
      '<a@contoso.com>: host mx.contoso.com[203.0.113.26] said: 550 5.1.1 unknown\n<b@fabrikam.com>: host mx.fabrikam.com[203.0.113.27] said: 550 5.1.1 unknown';
    expect(pick(text).map((e) => e.server)).toEqual(['mx.contoso.com', 'mx.fabrikam.com']);
  });

  it('keeps a lone generic code that nothing refines', () => {
    expect(pick('#< #5.0.0 smtp; 550 5.0.0 rejected> #SMTP#').map((e) => e.code)).toEqual(['5.0.0']);
  });

  it("reads a Postfix bounce quoted as inline code, Gmail's 'by X. [].' that lost its address, and Outlook's send error in a blog's quotes", () => {
    const quoted = [
      '`host mx.fabrikam.com[203.0.113.50] said:',
      '550-5.7.26 This mail has been blocked because the sender is',
      'unauthenticated. 550 5.7.26`',
    ].join('\n');
    expect(parseErrors(quoted)).toMatchObject([{ enhancedCode: '5.7.26', server: 'mx.fabrikam.com', ip: '203.0.113.50' }]);
    const gmail = [
      'Google tried to deliver your message, but it was rejected by the server for the recipient domain fabrikam.com by mta5.fabrikam.net. [].',
      '',
      'The error that the other server returned was:',
      '554 Message not allowed - [PH01] Email not accepted for policy reasons.',
    ].join('\n');
    expect(parseErrors(gmail)).toMatchObject([{ enhancedCode: '5.0.0', replyCode: '554', server: 'mta5.fabrikam.net' }]);
    expect(parseErrors(gmail)[0].ip).toBeUndefined();
    const outlook =
      'Oggetto ‘oggetto’, Account: ‘nome account’, Server: ‘smtp.fabrikam.it’, Protocollo: SMTP, Risposta del server: ’553 5.7.1 <a@fabrikam.it>: Sender address rejected: not logged in‘, Porta: 25';
    expect(parseErrors(outlook)).toMatchObject([{ enhancedCode: '5.7.1', replyCode: '553', server: 'smtp.fabrikam.it' }]);
  });

  it("gives sendmail's reason the server its transcript talks to when the paste ends there, but not a failure beside one that names its own", () => {
    const cut = [
      '----- The following addresses had permanent fatal errors -----',
      'jane@fabrikam.com',
      '(reason: 550-5.7.26 This message does not have authentication information)',
      '',
      '----- Transcript of session follows -----',
      '... while talking to gmail-smtp-in.fabrikam.com.:',
    ].join('\n');
    expect(parseErrors(cut)).toMatchObject([{ enhancedCode: '5.7.26', server: 'gmail-smtp-in.fabrikam.com' }]);
    const own = ['... while talking to mx.fabrikam.com.:', '<<< 550 5.7.1 No such user', '550 5.1.1 <jane@fabrikam.com>... User unknown'].join('\n');
    expect(parseErrors(own).map((e) => [e.enhancedCode, e.server])).toEqual([
      ['5.7.1', 'mx.fabrikam.com'],
      ['5.1.1', undefined],
    ]);
  });

  it("reads sendmail's 'while talking to' an address, and without the zero-width spaces a web archive puts in", () => {
    const byAddress = ['... while talking to [203.0.113.60]:', '>>> DATA', '<<< 550 Invalid recipient: <jane@fabrikam.com>'].join('\n');
    expect(parseErrors(byAddress)).toMatchObject([{ enhancedCode: '5.0.0', replyCode: '550', ip: '203.0.113.60' }]);
    const archived = [
      '... while talking to mail.fabrikam.com.\u200b:',
      '>>> RCPT To\u200b:<jane@\u200bfabrikam.com>',
      '<<< 550 5.1.1 <jane@\u200bfabrikam.com>... User unknown',
    ].join('\n');
    expect(parseErrors(archived)).toMatchObject([{ enhancedCode: '5.1.1', server: 'mail.fabrikam.com' }]);
  });
});
