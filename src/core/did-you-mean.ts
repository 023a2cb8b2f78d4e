/** "Did you mean …?" for ids, keys and flags: the closest candidate within a small edit distance. */
import { distance } from 'fastest-levenshtein';

export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(2, Math.floor(input.length / 3));
  for (const candidate of candidates) {
    const d = distance(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance && d <= limit) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` Did you mean `x`?` for a near miss, '' otherwise. */
export function didYouMean(word: string, candidates: readonly string[], format: (s: string) => string = (s) => `\`${s}\``): string {
  const best = word === '' ? undefined : closestMatch(word, candidates);
  return best === undefined || best === word ? '' : ` Did you mean ${format(best)}?`;
}
