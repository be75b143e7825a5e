import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/parse/normalize-text';

describe('normalizeText', () => {
  it('turns Teams paragraphs, divs, list items and <br> into lines', () => {
    const html = '<div><div>Generating server: EXO01</div><div><br></div><p>line two</p><p>line three<br>line four</p><ul><li>a</li><li>b</li></ul></div>';
    expect(normalizeText(html)).toBe('Generating server: EXO01\n\nline two\nline three\nline four\na\nb');
  });

  it('drops inline tags with their attributes but keeps their text', () => {
    const html =
      '<p>See <span style="color:red" data-x=\'1\'><b>450 4.4.316</b></span> in <a href="https://contoso.com/?a=1&amp;b=2">the trace</a><img src="x.png" alt="icon"/></p>';
    expect(normalizeText(html)).toBe('See 450 4.4.316 in the trace');
  });

  it('separates table cells and rows', () => {
    expect(normalizeText('<table><tr><td>Status</td><td>Defer</td></tr><tr><th>Code</th><td>4.4.316</td></tr></table>')).toBe('Status Defer\nCode 4.4.316');
  });

  it('decodes named, decimal and hex entities', () => {
    expect(normalizeText('&amp; &lt; &gt; &quot; &apos; &#39; &#65;&#x42;&#X43; caf&#233;')).toBe(`& < > " ' ' ABC café`);
  });

  it('decodes entities after removing tags, so escaped markup stays visible', () => {
    expect(normalizeText('&lt;b&gt;bold&lt;/b&gt; and <b>bold</b>')).toBe('<b>bold</b> and bold');
  });

  it('keeps angle-bracket anonymisation that is not HTML', () => {
    expect(normalizeText('[LastAttemptedIP=<Your Public IP>:25] for <recipient@contoso.com> at <at the server>')).toBe(
      '[LastAttemptedIP=<Your Public IP>:25] for <recipient@contoso.com> at <at the server>',
    );
    expect(normalizeText('<p>[LastAttemptedIP=&lt;Your Public IP&gt;:25]</p>')).toBe('[LastAttemptedIP=<Your Public IP>:25]');
  });

  it('removes the leading bot mention with its name, and only the tags of a later mention', () => {
    expect(normalizeText('<at>Mail Flow Doctor</at> 450 4.4.316 ask <at>Jane Admin</at>')).toBe('450 4.4.316 ask Jane Admin');
    expect(normalizeText('<p><at>Bot</at>&nbsp;hello</p>')).toBe('hello');
    expect(normalizeText('hello <at>Bot</at>')).toBe('hello Bot');
  });

  it('removes the mention span of the text/html attachment when it opens the message', () => {
    const html = '<div><div><span itemscope="" itemtype="http://schema.skype.com/Mention" itemid="0">Mail Flow Doctor</span> 450 4.4.316</div>\n</div>';
    expect(normalizeText(html)).toBe('450 4.4.316');
  });

  it('turns no-break spaces into spaces, removes zero-width characters and CRLF', () => {
    expect(normalizeText('450\u00a04.4.316\u202fConnection\u200b refused\r\nnext\rline\ufeff')).toBe('450 4.4.316 Connection refused\nnext\nline');
    expect(normalizeText('a&nbsp;b&#160;c')).toBe('a b c');
  });

  it('leaves unknown entities and bare ampersands alone', () => {
    expect(normalizeText('AT&T &foo; &#xZZ; &#0; &')).toBe('AT&T &foo; &#xZZ; &#0; &');
  });

  it('leaves an unterminated tag as text', () => {
    expect(normalizeText('<p class="x broken 4.4.316')).toBe('<p class="x broken 4.4.316');
  });

  it('stays linear on a megabyte of half-open tags and entity starts', () => {
    const hostile = '<p <span class="'.repeat(40_000) + '&#'.repeat(200_000) + '<at>'.repeat(50_000);
    const start = performance.now();
    const out = normalizeText(hostile);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(out.length).toBeGreaterThan(0);
  });
});
