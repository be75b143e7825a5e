import { describe, expect, it } from 'vitest';
import { parseErrors } from '../../src/parse/parse-errors';

/**
 * A repeated error is reported once, with the fields of the copy that told the most (the first copy
 * on a tie). Later copies are only read in full when they may tell more, so each fact that can make
 * a copy richer is covered here on its own.
 */
const base = '450 4.4.316 Connection refused [Message=Refused] [LastAttemptedServerName=mx.contoso.com]';
const eopTag = (time: string) => `[AM4PR01MB1234.eurprd01.prod.exchangelabs.com ${time} 08DB6A1B2C3D4E5F]`;

describe('repeated errors', () => {
  it('keeps a later copy that adds a socket error', () => {
    const [error, ...rest] = parseErrors([base, `${base} (Socket error code 10061)`].join('\n'));
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ occurrences: 2, socketError: 10061, server: 'mx.contoso.com', remoteReply: 'Refused' });
    expect(error.excerpt).toContain('10061');
  });

  it('keeps a later copy that quotes another status code', () => {
    const [error] = parseErrors([base, `${base} (451 4.7.0 try again later)`].join('\n'));
    expect(error).toMatchObject({ occurrences: 2, quotedCodes: ['4.7.0'] });
  });

  it('keeps a later copy that names the recipient', () => {
    const [error] = parseErrors([base, `RCPT TO:<user@contoso.com> ${base}`].join('\n'));
    expect(error).toMatchObject({ occurrences: 2, recipient: 'user@contoso.com' });
  });

  it('keeps a later copy whose retry time can be read', () => {
    const [error] = parseErrors([`${base} ${eopTag('2023-02-30T09:41:07Z')}`, `${base} ${eopTag('2023-06-14T09:41:07Z')}`].join('\n'));
    expect(error).toMatchObject({ occurrences: 2, lastRetryRaw: '2023-06-14T09:41:07Z', lastRetryIso: '2023-06-14T09:41:07.000Z' });
  });

  it('keeps the first copy when a later one tells as much or less', () => {
    const first = `${base} ${eopTag('2023-06-14T09:41:07Z')} (Socket error code 10061)`;
    const same = `${base} ${eopTag('2023-06-14T10:41:07Z')} (Socket error code 10061)`;
    const [error] = parseErrors([first, same, base].join('\n'));
    expect(error).toMatchObject({ occurrences: 3, lastRetryRaw: '2023-06-14T09:41:07Z', socketError: 10061 });
  });
});
