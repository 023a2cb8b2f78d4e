/**
 * HTML bodies as the plain text triage shows and compares: paragraphs and breaks kept, entities
 * decoded (a non-breaking space becomes a space), lists as items, images left out, links with
 * their address unless the text is the address.
 */
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/core/html-text.js';

describe('htmlToText', () => {
  it('keeps paragraphs and line breaks and decodes entities', () => {
    expect(htmlToText('<p>The <b>print</b> button&nbsp;does nothing.</p><p>Tried twice.<br>Thanks &amp; regards</p>')).toBe(
      'The print button does nothing.\n\nTried twice.\nThanks & regards',
    );
  });

  it('writes list items on their own lines', () => {
    expect(htmlToText('<p>Tried:</p><ul><li>Windows 11</li><li>Chrome 131</li></ul>')).toBe('Tried:\n\n- Windows 11\n- Chrome 131');
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
