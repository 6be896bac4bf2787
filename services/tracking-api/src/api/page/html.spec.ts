import { fill, html, safeHref } from './html';

describe('html templates', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const city = `<script>alert("x")</script>`;
    const name = `"><img src=x onerror=alert(1)>`;
    const markup = html`<p title="${name}">${city}</p>`.markup;
    expect(markup).toBe(
      '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
  });

  it('keeps nested markup and drops empty values', () => {
    const items = ['a&b', 'c'].map((text) => html`<li>${text}</li>`);
    expect(
      html`<ul>
        ${items}${null}${false}${undefined}
      </ul>`.markup.replace(/>\s+</g, '><'),
    ).toBe('<ul><li>a&amp;b</li><li>c</li></ul>');
  });

  it('fills placeholders of a message and escapes the message itself', () => {
    expect(fill('Tom & {name} <3 {missing}', { name: '<b>' }).markup).toBe(
      'Tom &amp; &lt;b&gt; &lt;3 {missing}',
    );
  });

  it('links only to http(s) addresses', () => {
    expect(safeHref('https://www.ups.com/track?tracknum=1Z')).toBe('https://www.ups.com/track?tracknum=1Z');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
    expect(safeHref(null)).toBeNull();
  });
});
