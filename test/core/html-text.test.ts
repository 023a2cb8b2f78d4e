import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/core/html-text.js';

describe('htmlToText', () => {
  it('turns paragraphs, line breaks and list items into lines', () => {
    expect(htmlToText('<p>Hello,</p><p>it fails:<br/>every time</p><ul><li>Linux</li><li>macOS</li></ul>')).toBe('Hello,\n\nit fails:\nevery time\n\n- Linux\n- macOS');
  });

  it('drops scripts, styles and comments and decodes entities', () => {
    expect(htmlToText('<style>p{}</style><script>alert(1)</script><!-- x --><b>a &lt; b &amp;&nbsp;c &#233; &#x1F600; &bogus;</b>')).toBe('a < b & c é 😀 &bogus;');
  });

  it('leaves out-of-range character references as written', () => {
    expect(htmlToText('&#0; &#x110000;')).toBe('&#0; &#x110000;');
  });
});
