import { describe, expect, it } from 'vitest';
import { parseErrors } from '../../src/parse/parse-errors';

/** A sender's report of a delivery the destination never answered: no reply, no code. Inputs made up for each rule. */
const pick = (text: string) =>
  parseErrors(text).map((e) => ({
    code: e.enhancedCode,
    inferred: e.enhancedCodeInferred,
    server: e.server,
    ip: e.ip,
    port: e.port,
    description: e.description,
  }));

describe('deferred attempts that got no reply', () => {
  it("reads Postfix's queue and log reasons in parentheses as a deferral to the server they name", () => {
    const mailq = [
      '-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------',
      '3D27412A016     4187 Tue Apr 19 17:04:26  news@contoso.com',
      '(connect to mx2.fabrikam.com[203.0.113.25]:25: Connection timed out)',
      '                                         jo@fabrikam.com',
    ].join('\n');
    expect(pick(mailq)).toEqual([
      { code: '4.0.0', inferred: true, server: 'mx2.fabrikam.com', ip: '203.0.113.25', port: 25, description: 'Connection timed out' },
    ]);
    expect(pick('(delivery temporarily suspended: connect to mx2.fabrikam.com[203.0.113.25]:25: Connection refused)')[0]).toMatchObject({
      code: '4.0.0',
      server: 'mx2.fabrikam.com',
      description: 'Connection refused',
    });
    expect(pick('(lost connection with mx2.fabrikam.com[203.0.113.25] while receiving the initial server greeting)')[0]).toMatchObject({
      code: '4.0.0',
      server: 'mx2.fabrikam.com',
      description: 'while receiving the initial server greeting',
    });
  });

  it("keeps a log line's own code: dsn=4.4.1 is the failure, read once", () => {
    const log =
      'postfix/smtp[9]: 3D27412A016: to=<jo@fabrikam.com>, relay=none, delay=30, dsn=4.4.1, status=deferred (connect to mx2.fabrikam.com[203.0.113.25]:25: Connection timed out)';
    expect(pick(log).map((e) => [e.code, e.server])).toEqual([['4.4.1', 'mx2.fabrikam.com']]);
  });

  it("reads Exim's deferral with a system error and the host it dialled, never its own retry state", () => {
    const line =
      '2024-03-24 10:02:24 1pfdJV-004eVE-9X == jo@fabrikam.com R=dnslookup T=remote_smtp defer (111): Connection refused H=mx2.fabrikam.com [203.0.113.25]';
    expect(pick(line)).toEqual([
      { code: '4.0.0', inferred: true, server: 'mx2.fabrikam.com', ip: '203.0.113.25', port: undefined, description: 'Connection refused' },
    ]);
    expect(pick('T=remote_smtp defer (-53): retry time not reached for any host')).toEqual([]);
    expect(pick('== jo@fabrikam.com R=dnslookup T=remote_smtp defer (-1): failed to expand "interface" option')).toEqual([]);
  });

  it("reads sendmail's Deferred: line with the host that refused or timed out", () => {
    expect(pick('<jo@fabrikam.com>... Deferred: Connection refused by mx2.fabrikam.com.')[0]).toMatchObject({ code: '4.0.0', server: 'mx2.fabrikam.com' });
    expect(pick('<jo@fabrikam.com>... Deferred: Connection timed out with mx2.fabrikam.com.')[0]).toMatchObject({ code: '4.0.0', server: 'mx2.fabrikam.com' });
  });

  it('does not read a connect line that is not a report of an attempt', () => {
    expect(pick('Please connect to mx2.fabrikam.com[203.0.113.25]:25 and try again')).toEqual([]);
    expect(pick('(connect to the VPN first)')).toEqual([]);
  });
});
