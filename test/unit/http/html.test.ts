import fc from 'fast-check';
import { escapeHtml, html, trustedHtml } from '../../../src/http/html';

/** What a browser or an XML parser makes of the five references escapeHtml writes. */
function unescape(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_match, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? '');
}

describe('escapeHtml', () => {
  test.each([
    ['', ''],
    ['plain text', 'plain text'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['"><img src=x onerror=alert(1)>', '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'],
    ["it's", 'it&#39;s'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    // already-escaped text is text too: escaped again, shown as typed
    ['&lt;', '&amp;lt;'],
    ['“curly” – ünïcödé 🐕', '“curly” – ünïcödé 🐕'],
  ])('%j -> %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it('leaves no markup character, and a parser gets the original text back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        expect(unescape(escaped)).toBe(text);
      }),
    );
  });
});

describe('html template', () => {
  it('escapes interpolated strings and numbers, keeps the template text', () => {
    const title = '<b>"bold"</b>';
    expect(html`<h1 title="${title}">${title} ${3}</h1>`.markup).toBe(
      '<h1 title="&lt;b&gt;&quot;bold&quot;&lt;/b&gt;">&lt;b&gt;&quot;bold&quot;&lt;/b&gt; 3</h1>',
    );
  });

  it('nests templates and lists without escaping them twice', () => {
    const items = ['a&b', '<c>'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>`.markup).toBe('<ul><li>a&amp;b</li><li>&lt;c&gt;</li></ul>');
    expect(html`<p>${html`<em>${'x<y'}</em>`}</p>`.markup).toBe('<p><em>x&lt;y</em></p>');
  });

  it('keeps markup only when it is explicitly trusted', () => {
    expect(html`${trustedHtml('<br>')}${'<br>'}`.markup).toBe('<br>&lt;br&gt;');
    expect(String(html`<i>${'&'}</i>`)).toBe('<i>&amp;</i>');
  });
});
