import { describe, expect, it } from 'vitest';
import { hostOf, isAllowedHost } from '../../src/http/allowed-host';

describe('isAllowedHost', () => {
  const allow = (host: string | undefined, allowed: string[] = [], localAddress?: string) => isAllowedHost(host, { allowed, localAddress });

  it('allows localhost, 127.0.0.1 and [::1] with any port or none, in any case', () => {
    for (const host of ['localhost', 'localhost:3978', 'LOCALHOST:80', '127.0.0.1', '127.0.0.1:3978', '[::1]', '[::1]:3978'])
      expect(allow(host), host).toBe(true);
  });

  it('refuses other names, look-alikes and malformed or missing values', () => {
    for (const host of [
      'evil.example',
      'evil.example:3978',
      'localhost.evil.example',
      'localhost.',
      '127.0.0.1.nip.io',
      'evil.example@localhost',
      '::1',
      '',
      undefined,
    ]) {
      expect(allow(host), String(host)).toBe(false);
    }
  });

  it('allows the configured names and the address the request arrived on', () => {
    expect(allow('devbox.contoso.com:3978', ['devbox.contoso.com'])).toBe(true);
    expect(allow('192.0.2.10:3978', [], '::ffff:192.0.2.10')).toBe(true);
    expect(allow('[2001:db8::1]:3978', [], '2001:db8::1')).toBe(true);
    expect(allow('192.0.2.11:3978', [], '192.0.2.10')).toBe(false);
  });

  it('reads the host without its port', () => {
    expect(hostOf('Example.COM:8080')).toBe('example.com');
    expect(hostOf('[::1]:1')).toBe('[::1]');
    expect(hostOf('a:b:c')).toBeUndefined();
  });
});
