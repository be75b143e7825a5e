import { describe, expect, it } from 'vitest';
import { parseTarget, parseTargets } from '../../src/diagnostics/parse-target';

describe('parseTarget', () => {
  it.each([
    ['mail.contoso.com', 'mail.contoso.com', 25],
    ['  MAIL.Contoso.COM.  ', 'mail.contoso.com', 25],
    ['mail.contoso.com:2525', 'mail.contoso.com', 2525],
    ['203.0.113.5:25', '203.0.113.5', 25],
    ['203.0.113.5', '203.0.113.5', 25],
    ['[2001:db8::1]:25', '2001:db8::1', 25],
    ['[2001:db8::1]', '2001:db8::1', 25],
    ['2001:db8::1', '2001:db8::1', 25],
    ['2001:DB8::1', '2001:db8::1', 25],
    ['localhost', 'localhost', 25],
    ['mail.bücher.example', 'mail.xn--bcher-kva.example', 25],
    ['smtp-1.eu.contoso.com:587', 'smtp-1.eu.contoso.com', 587],
  ])('reads %j as %s port %i', (input, host, port) => {
    expect(parseTarget(input)).toEqual({ host, port });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['https://mail.contoso.com', 'a URL'],
    ['smtp://mail.contoso.com:25', 'a URL with a port'],
    ['mail.contoso.com/path', 'a path'],
    ['admin@contoso.com', 'an e-mail address'],
    ['mail contoso.com', 'an inner space'],
    ['mail.contoso.com\r\nQUIT', 'CRLF'],
    ['mail.contoso.com:0', 'port 0'],
    ['mail.contoso.com:65536', 'a port too high'],
    ['mail.contoso.com:25x', 'a port with letters'],
    ['mail.contoso.com:', 'an empty port'],
    ['mail..contoso.com', 'an empty label'],
    ['-mail.contoso.com', 'a label starting with a hyphen'],
    ['mail_1.contoso.com', 'an underscore'],
    ['999.1.1.1', 'an impossible IPv4 address'],
    ['10.1', 'a partial IPv4 address'],
    ['2001:db8::1:25:zz', 'a broken IPv6 address'],
    ['[mail.contoso.com]:25', 'a name in brackets'],
    ['fe80::1%eth0', 'an IPv6 zone'],
    [`${'a'.repeat(63)}.`.repeat(4) + 'com', 'more than 253 characters'],
    [`${'a'.repeat(64)}.com`, 'a label over 63 characters'],
    ['x'.repeat(10_000), 'a very long paste'],
  ])('rejects %j (%s)', (input) => {
    const result = parseTarget(input);
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error.length).toBeLessThan(200);
  });
});

describe('parseTargets: a server and the IP from a paste', () => {
  it.each([
    ['mail.contoso.com', { host: 'mail.contoso.com', port: 25 }],
    ['mail.contoso.com:2525 203.0.113.5', { host: 'mail.contoso.com', port: 2525, ip: '203.0.113.5' }],
    ['mail.contoso.com [2001:DB8::5]', { host: 'mail.contoso.com', port: 25, ip: '2001:db8::5' }],
    ['203.0.113.5:25 203.0.113.5', { host: '203.0.113.5', port: 25 }],
  ])('reads %j', (input, expected) => {
    expect(parseTargets(input)).toEqual(expected);
  });

  it.each([
    ['mail.contoso.com mail2.contoso.com', /not an IP address/],
    ['mail.contoso.com 203.0.113.5 198.51.100.1', /at most one IP address/],
    ['mail.contoso.com fe80::1%eth0', /not an IP address/],
    ['http://x 203.0.113.5', /URL/],
  ])('refuses %j', (input, message) => {
    const parsed = parseTargets(input);
    expect('error' in parsed && parsed.error).toMatch(message);
  });
});
