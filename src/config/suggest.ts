/** "Did you mean …?" for misspelt keys and values. */

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two strings. */
export function editDistance(a: string, b: string): number {
  // rows[i][j] = distance between a[0, i) and b[0, j)
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      if (swapped) best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** Normalises for comparison: case, `-` and `_` do not count (`expect_status` is `expectStatus`). */
function fold(s: string): string {
  return s.toLowerCase().replace(/[-_]/g, '');
}

/**
 * The candidate closest to `word` when it plausibly is a typo of it (at most one edit per three
 * characters, at least one), or null.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | null {
  const folded = fold(word);
  const allowed = Math.max(1, Math.floor(folded.length / 3));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(folded, fold(candidate));
    if (d <= allowed && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
