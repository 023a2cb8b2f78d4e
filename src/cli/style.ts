/** The Style for a stream: chalk when it gets colour (loaded only then), else plain text. */
import { PLAIN, type Style } from '../render/style.js';

export async function styleFor(color: boolean): Promise<Style> {
  if (!color) return PLAIN;
  const { Chalk } = await import('chalk');
  // chalk's own detection ignores NO_COLOR on a terminal: the level comes from our decision.
  return new Chalk({ level: 1 });
}
