/**
 * HTML message bodies as plain text, for helpdesks that store or send a message only as HTML
 * (RT's HTML-only mail, Freshdesk's `body`, Zendesk's `html_body`): paragraphs and line breaks
 * kept, lists as items, entities decoded, no hard wrapping. html-to-text parses the HTML, so
 * odd markup from mail clients reads as it would in a browser.
 */
import { convert } from 'html-to-text';

export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      // Inline images are listed as attachments already; their data URLs would flood the text.
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      { selector: 'ul', options: { itemPrefix: '- ' } },
    ],
  })
    .replace(/\u00a0/g, ' ')
    .trim();
}
