/**
 * HTML bodies as the plain text triage shows and compares: paragraphs and breaks kept, entities
 * decoded (a non-breaking space becomes a space), lists as items, scripts, styles and images
 * left out, links with their address unless the text is the address, no hard wrapping.
 */
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/core/html-text.js';

describe('htmlToText', () => {
  it('turns paragraphs, line breaks and list items into lines', () => {
    expect(htmlToText('<p>Hello,</p><p>it fails:<br/>every time</p><ul><li>Linux</li><li>macOS</li></ul>')).toBe('Hello,\n\nit fails:\nevery time\n\n- Linux\n- macOS');
  });

  it('drops scripts, styles and comments and decodes entities', () => {
    expect(htmlToText('<style>p{}</style><script>alert(1)</script><!-- x --><b>a &lt; b &amp;&nbsp;c &#233; &#x1F600; &bogus;</b>')).toBe('a < b & c é 😀 &bogus;');
  });

  it('reads out-of-range character references as a browser does (U+FFFD) instead of failing', () => {
    expect(htmlToText('&#0; &#x110000;')).toBe('\uFFFD \uFFFD');
  });

  it('turns a non-breaking space into a space', () => {
    expect(htmlToText('<p>The <b>print</b> button&nbsp;does nothing.</p>')).toBe('The print button does nothing.');
  });

  it('leaves images out and keeps a link address only when it differs from the text', () => {
    const html = '<div>See <img src="data:image/png;base64,iVBORw0KGgo="> <a href="https://status.example.com">status page</a> or <a href="https://example.com">https://example.com</a></div>';
    expect(htmlToText(html)).toBe('See status page [https://status.example.com] or https://example.com');
  });

  it('does not wrap long lines', () => {
    const line = 'word '.repeat(60).trim();
    expect(htmlToText(`<p>${line}</p>`)).toBe(line);
  });
});
