import { describe, expect, it } from 'vitest';
import { parseErrors } from '../../src/parse/parse-errors';

const LED =
  '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] ' +
  '[LastAttemptedIP=203.0.113.5:25] [SmtpSecurity=-2;-2] [AM4PR01MB1234.eurprd01.prod.exchangelabs.com 2023-06-14T09:41:07.123Z 08DB6A1B2C3D4E5F]';

describe('parseErrors', () => {
  it('reads code, reply, description, destination, port, socket error and EOP time from an LED line', () => {
    expect(parseErrors(LED)).toEqual([
      {
        enhancedCode: '4.4.316',
        replyCode: '450',
        description: 'Connection refused',
        remoteReply: 'Socket error code 10061',
        quotedCodes: [],
        server: 'mail.contoso.com',
        ip: '203.0.113.5',
        port: 25,
        socketError: 10061,
        lastRetryRaw: '2023-06-14T09:41:07.123Z',
        lastRetryIso: '2023-06-14T09:41:07.123Z',
        format: 'led',
        excerpt: LED,
      },
    ]);
  });

  it('never reports a Microsoft-internal server as the destination', () => {
    const ndr = [
      'Generating server: AM6PR04MB1234.eurprd04.prod.outlook.com',
      'Receiving server: AM6PR04MB1234.eurprd04.prod.outlook.com',
      '',
      'user@contoso.com',
      "6/15/2023 9:41:07 AM - Server at AM6PR04MB1234.eurprd04.prod.outlook.com returned '550 5.4.316 Message expired, connection refused(Socket error code 10061)'",
      '450 4.4.316 Connection refused [LastAttemptedServerName=CO1PR01MB1234.prod.exchangelabs.com] [XXXEUR01FTXXX.eop-EUR01.prod.protection.outlook.com]',
    ].join('\n');
    const errors = parseErrors(ndr);
    expect(errors.map((e) => e.enhancedCode)).toEqual(['5.4.316', '4.4.316']);
    for (const error of errors) expect(error.server).toBeUndefined();
  });

  it("keeps a relay's *.mail.protection.outlook.com host as the destination", () => {
    const [error] = parseErrors(
      'host contoso-com.mail.protection.outlook.com[203.0.113.7] said: 550 5.4.1 Recipient address rejected: Access denied. (in reply to RCPT TO command)',
    );
    expect(error).toMatchObject({ enhancedCode: '5.4.1', server: 'contoso-com.mail.protection.outlook.com', ip: '203.0.113.7', format: 'relay' });
    expect(error.description).toBe('Recipient address rejected: Access denied.');
  });

  it('does not take IP addresses, builds or version numbers for status codes', () => {
    expect(parseErrors('connect to 10.4.4.316 / 203.0.113.5 / 4.4.3161 / v4.4.1 / 15.20.5.0 / 4.4.316.1 / 5.8.1 / 3.4.1 failed')).toEqual([]);
    expect(parseErrors('LastAttemptedIP=10.4.4.31:25 then 4.4.316 Connection refused').map((e) => e.enhancedCode)).toEqual(['4.4.316']);
  });

  it('reports a code quoted inside another reply in quotedCodes, not as an error of its own', () => {
    const errors = parseErrors(
      '450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail] [LastAttemptedServerName=mail.contoso.com]',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ enhancedCode: '4.4.317', quotedCodes: ['5.7.3'], remoteReply: '451 5.7.3 STARTTLS is required to send mail' });
  });

  it('reads reply codes written with a hyphen', () => {
    expect(parseErrors('550-5.7.0 Connection refused - IB116')[0]).toMatchObject({ enhancedCode: '5.7.0', replyCode: '550' });
  });

  it("reads a reply code inside Markdown's underscore emphasis, never one glued to a word", () => {
    expect(parseErrors('I get a _554 5.7.1 Sender address rejected: Access denied_')).toMatchObject([{ enhancedCode: '5.7.1', replyCode: '554' }]);
    expect(parseErrors('_550 5.1.1 User unknown_')).toMatchObject([{ enhancedCode: '5.1.1', replyCode: '550' }]);
    expect(parseErrors('smtp_550 5.1.1 User unknown')[0].replyCode).toBeUndefined();
  });

  it('reads a bare code with and without text', () => {
    expect(parseErrors('4.4.316 Connection refused')[0]).toMatchObject({ enhancedCode: '4.4.316', description: 'Connection refused', format: 'plain' });
    const [bare] = parseErrors('the trace says 5.4.316');
    expect(bare.enhancedCode).toBe('5.4.316');
    expect(bare.replyCode).toBeUndefined();
    expect(bare.description).toBeUndefined();
  });

  it('ends a field at the next field when its closing bracket is missing', () => {
    const [error] = parseErrors(
      '450 4.4.316 Connection refused [LastAttemptedIP=203.0.113.5:25 [LastAttemptedServerName=mail.contoso.com [SmtpSecurity=-2;-2]',
    );
    expect(error).toMatchObject({ ip: '203.0.113.5', port: 25, server: 'mail.contoso.com' });
  });

  it('reads the LRT in US order as UTC, keeps the raw text and prefers it to the EOP tag time', () => {
    const [error] = parseErrors(`Reason: [{LED=${LED}};{MSG=};{FQDN=mail.contoso.com};{IP=203.0.113.5};{LRT=6/14/2023 12:05:09 PM}]`);
    expect(error).toMatchObject({ lastRetryRaw: '6/14/2023 12:05:09 PM', lastRetryIso: '2023-06-14T12:05:09.000Z', format: 'message-trace' });
  });

  it('takes the recipient from RCPT TO, from <user@domain> and from the NDR recipient line', () => {
    expect(parseErrors('RCPT TO:<a@contoso.com>\n<<< 550 5.1.1 User unknown')[0].recipient).toBe('a@contoso.com');
    expect(parseErrors('550 5.1.1 <b@contoso.com>: Recipient address rejected: User unknown')[0].recipient).toBe('b@contoso.com');
    expect(parseErrors("c@contoso.com\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found'")[0].recipient).toBe('c@contoso.com');
    expect(parseErrors("c@contoso.com\nsomething else entirely\nRemote Server returned '550 5.1.10 not found'")[0].recipient).toBeUndefined();
  });

  it('reports each error once, at its first position, keeping the copy with the most fields', () => {
    const text = ['4.4.316 Connection refused', '5.1.1 unknown', '4.4.316 Connection refused', '450 4.4.316 Connection refused'].join('\n');
    const errors = parseErrors(text);
    expect(errors.map((e) => e.enhancedCode)).toEqual(['4.4.316', '5.1.1']);
    expect(errors[0].replyCode).toBe('450');
  });

  it('keeps errors that differ in server, ip or remote reply apart, in order of appearance', () => {
    const text = [
      '450 4.4.316 Connection refused [LastAttemptedServerName=a.contoso.com]',
      '450 4.4.316 Connection refused [LastAttemptedServerName=b.contoso.com]',
      '450 4.4.316 Connection refused [LastAttemptedServerName=b.contoso.com] [LastAttemptedIP=203.0.113.9:25]',
      '450 4.4.316 Connection refused [Message=Socket error code 10060]',
    ].join('\n');
    expect(parseErrors(text).map((e) => [e.server, e.ip, e.remoteReply])).toEqual([
      ['a.contoso.com', undefined, undefined],
      ['b.contoso.com', undefined, undefined],
      ['b.contoso.com', '203.0.113.9', undefined],
      [undefined, undefined, 'Socket error code 10060'],
    ]);
  });

  it('reads "Remote Server at X (ip) returned" as the destination', () => {
    const [error] = parseErrors("Remote Server at mx.fabrikam.com (198.51.100.20) returned '550 5.7.1 Unable to relay'");
    expect(error).toMatchObject({ enhancedCode: '5.7.1', server: 'mx.fabrikam.com', ip: '198.51.100.20', description: 'Unable to relay', format: 'ndr' });
  });

  it('ends a reply the admin put in quotes at the closing quote', () => {
    const [error] = parseErrors('the trace keeps saying "550 5.1.10 Recipient not found" since Monday');
    expect(error.description).toBe('Recipient not found');
  });

  it('reads "Status: <full reply>" as a pasted error line, and "Status: 5.4.316" as a DSN field', () => {
    const [pasted] = parseErrors('Status: 450 4.4.316 Connection refused [LastAttemptedServerName=mail.contoso.com]');
    expect(pasted).toMatchObject({ enhancedCode: '4.4.316', server: 'mail.contoso.com', format: 'led' });
    const [dsn] = parseErrors('Final-Recipient: rfc822;user@contoso.com\nStatus: 5.4.316');
    expect(dsn).toMatchObject({ enhancedCode: '5.4.316', recipient: 'user@contoso.com', format: 'dsn' });
  });

  it('reports success replies as delivered, never as failures (see test/parse/delivered.test.ts)', () => {
    const errors = parseErrors('250 2.0.0 OK queued\n250 2.1.5 Recipient OK');
    expect(errors.map((e) => [e.enhancedCode, e.outcome])).toEqual([
      ['2.0.0', 'delivered'],
      ['2.1.5', 'delivered'],
    ]);
  });

  it('bounds every field to 1000 characters and the excerpt to 500', () => {
    const [error] = parseErrors(`450 4.4.316 ${'d'.repeat(3000)}`);
    expect(error.description?.length).toBeLessThanOrEqual(1000);
    expect(error.description?.length).toBeGreaterThan(990);
    const [withMessage] = parseErrors(`450 4.4.316 Connection refused [Message=${'m'.repeat(5000)}] [LastAttemptedServerName=${'h'.repeat(3000)}]`);
    expect(withMessage.remoteReply?.length).toBeLessThanOrEqual(1000);
    expect(withMessage.excerpt.length).toBeLessThanOrEqual(500);
  });

  it('returns at most 500 errors', () => {
    const text = Array.from({ length: 800 }, (_, i) => `450 4.4.316 Connection refused [LastAttemptedServerName=mx${i}.contoso.com]`).join('\n');
    const errors = parseErrors(text);
    expect(errors).toHaveLength(500);
    expect(errors[499].server).toBe('mx499.contoso.com');
  });

  it('reads CRLF pastes and returns nothing for empty or error-free text', () => {
    expect(parseErrors('user@contoso.com\r\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\r\n')[0]).toMatchObject({
      recipient: 'user@contoso.com',
      format: 'ndr',
    });
    expect(parseErrors('')).toEqual([]);
    expect(parseErrors('Hi team, mail to contoso.com is slow today.')).toEqual([]);
  });
});
