import { describe, expect, it } from 'vitest';
import { parseErrors } from '../../src/parse/parse-errors';

/** Success lines in a paste are told apart from failures: `outcome: 'delivered'`, with where they went. */
const pick = (text: string) => parseErrors(text).map((e) => ({ code: e.enhancedCode, outcome: e.outcome, server: e.server, ip: e.ip, recipient: e.recipient }));

describe('success lines are reported as delivered', () => {
  it("reads a Postfix log line's relay= as the server the message was delivered to", () => {
    const line =
      'Jan 23 03:30:03 mx postfix/smtp[21388]: 4JhJXC248TzgB0: to=<jane@contoso.com>, relay=mx.contoso.com[203.0.113.9]:25, delay=0.51, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4JhJXC5F4CzgB6)';
    expect(parseErrors(line)).toMatchObject([
      { enhancedCode: '2.0.0', replyCode: '250', outcome: 'delivered', server: 'mx.contoso.com', ip: '203.0.113.9', port: 25, recipient: 'jane@contoso.com' },
    ]);
  });

  it("keeps Exchange's 2.6.0 Message-ID out of the recipient", () => {
    const [queued] = parseErrors('250 2.6.0 <3f2a@BN8PR12MB1234.namprd12.prod.outlook.com> [InternalId=3513283517195] Queued mail for delivery');
    expect(queued).toMatchObject({ enhancedCode: '2.6.0', outcome: 'delivered' });
    expect(queued.recipient).toBeUndefined();
  });

  it('reads a DSN block with Action: delivered', () => {
    const dsn = 'Final-Recipient: rfc822; jane@contoso.com\nAction: delivered\nStatus: 2.0.0\nRemote-MTA: dns; mx.contoso.com';
    expect(pick(dsn)).toEqual([{ code: '2.0.0', outcome: 'delivered', server: 'mx.contoso.com', ip: undefined, recipient: 'jane@contoso.com' }]);
    expect(pick(dsn.replace('delivered', 'failed'))).toEqual([]);
  });

  it('does not report the steps of a session (TLS, authentication, the sender) nor a bare 2.x.x', () => {
    expect(pick('220 2.0.0 Ready to start TLS\n235 2.7.0 Authentication successful\n250 2.1.0 Sender OK\n221 2.0.0 Bye')).toEqual([]);
    expect(pick('Upgraded to version 2.1.5 yesterday; dsn=2.0.0')).toEqual([]);
  });

  it('drops a success that a later failure to the same destination contradicts', () => {
    const session = 'RCPT TO:<jane@contoso.com>\n250 2.1.5 Recipient OK\nDATA\n554 5.7.1 Message rejected as spam';
    expect(pick(session).map((e) => e.code)).toEqual(['5.7.1']);
  });

  it('keeps a delivery after a deferral, and a delivery to another recipient next to a failure', () => {
    const retried =
      '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped" [LastAttemptedServerName=mx.contoso.com]\n250 2.6.0 <a@b> [Hostname=mx.contoso.com] Queued mail for delivery';
    expect(pick(retried).map((e) => [e.code, e.outcome])).toEqual([
      ['4.4.0', undefined],
      ['2.6.0', 'delivered'],
    ]);
    const two = '<jane@contoso.com>: 250 2.1.5 Recipient OK\n<joe@contoso.com>: 550 5.1.1 User unknown';
    expect(pick(two).map((e) => [e.code, e.outcome, e.recipient])).toEqual([
      ['2.1.5', 'delivered', 'jane@contoso.com'],
      ['5.1.1', undefined, 'joe@contoso.com'],
    ]);
  });
});
