import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/parse/normalize-text';
import { parseErrors } from '../../src/parse/parse-errors';
import { preparePaste } from '../../src/parse/prepare-paste';

const LED =
  '450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail]<br><br>[LastAttemptedServerName=mail.contoso.com]<br/>[LastAttemptedIP=72.x.x.x.:25]';

const destination = (text: string) => parseErrors(text).map((e) => ({ code: e.enhancedCode, server: e.server, ip: e.ip, port: e.port }));

describe('an error whose bracket fields are split by <br> (web pages, tables, Teams HTML)', () => {
  it('reads the fields after the breaks, as pasted and once the HTML is text', () => {
    const expected = [{ code: '4.4.317', server: 'mail.contoso.com', ip: '72.x.x.x', port: 25 }];
    expect(destination(LED)).toEqual(expected);
    expect(destination(normalizeText(LED))).toEqual(expected);
  });

  it('keeps a <br> that does not lead to another field as a line break', () => {
    expect(normalizeText('[LastAttemptedIP=203.0.113.5:25]<br>Next line')).toBe('[LastAttemptedIP=203.0.113.5:25]\nNext line');
  });

  it('reads an anonymised address written with a full stop before its port', () => {
    expect(destination('450 4.4.316 Connection refused [LastAttemptedIP=72.x.x.x.:25]')).toEqual([
      { code: '4.4.316', server: undefined, ip: '72.x.x.x', port: 25 },
    ]);
  });
});

describe('an error whose bracket fields stand one per line (forum posts, KB articles)', () => {
  const expected = [{ code: '4.4.316', server: 'mail.contoso.com', ip: '203.0.113.5', port: 25 }];

  it('reads fields written under the error, with blanks around = and with a blank line between', () => {
    const oneLineEach =
      '450 4.4.316 Connection refused\n[Message = Socket error code 10061]\n[LastAttemptedServerName = mail.contoso.com]\n[LastAttemptedIP = 203.0.113.5:25]';
    expect(destination(oneLineEach)).toEqual(expected);
    expect(destination(oneLineEach.replaceAll('\n', '\n\n'))).toEqual(expected);
    expect(parseErrors(oneLineEach)[0].socketError).toBe(10061);
  });

  it('leaves a bracket field after a paragraph break of two blank lines, and a bracket without a key, on their own lines', () => {
    const apart = '450 4.4.316 Connection refused\n\n\n[LastAttemptedServerName=mail.contoso.com]';
    expect(preparePaste(apart).text).toBe(apart);
    // The one server the paste says Exchange tried is still the destination of the failure that names none.
    expect(destination(apart)).toEqual([{ code: '4.4.316', server: 'mail.contoso.com', ip: undefined, port: undefined }]);
    expect(destination(`${apart}\n\n\n[LastAttemptedServerName=mail2.contoso.com]`)).toEqual([
      { code: '4.4.316', server: undefined, ip: undefined, port: undefined },
    ]);
    expect(parseErrors('450 4.4.316 Connection refused\n[see below]\nmail.contoso.com')[0].description).toBe('Connection refused');
  });
});
