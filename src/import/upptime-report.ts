/** What an Upptime import carried over and what it could not, and the one-line summary of it. */

export type SkipCategory = 'site' | 'option' | 'setting' | 'commit' | 'issue';

/** Something that could not be carried over, with a message naming it. */
export interface Skip {
  category: SkipCategory;
  message: string;
  /** How many items the message stands for (default 1), e.g. the commits of a removed site. */
  count?: number;
}

export interface ImportCounts {
  checks: number;
  /** Samples written (or that would be written on a dry run). */
  samples: number;
  /** Samples left out because the store already held them (same check, same time). */
  duplicates: number;
  /** Distinct UTC days of the samples written. */
  days: number;
  incidents: number;
}

const NOUNS: Record<SkipCategory, [string, string]> = {
  site: ['site', 'sites'],
  option: ['site option', 'site options'],
  setting: ['setting', 'settings'],
  commit: ['commit', 'commits'],
  issue: ['issue', 'issues'],
};

const ORDER: SkipCategory[] = ['site', 'option', 'setting', 'commit', 'issue'];

function n(count: number): string {
  return count.toLocaleString('en-US');
}

function plural(count: number, one: string, many: string): string {
  return `${n(count)} ${count === 1 ? one : many}`;
}

/** "Imported 4 checks, 1,234 samples over 87 days, 3 incidents; skipped: 1 site, 2 site options". */
export function summaryLine(counts: ImportCounts, skipped: readonly Skip[], dryRun = false): string {
  const parts = [
    plural(counts.checks, 'check', 'checks'),
    `${plural(counts.samples, 'sample', 'samples')} over ${plural(counts.days, 'day', 'days')}`,
    plural(counts.incidents, 'incident', 'incidents'),
  ];
  const tally = ORDER.map((c) => [c, skipped.filter((s) => s.category === c).reduce((sum, s) => sum + (s.count ?? 1), 0)] as const).filter(([, k]) => k > 0);
  const skippedText = tally.length ? tally.map(([c, k]) => plural(k, ...NOUNS[c])).join(', ') : 'nothing';
  const already = counts.duplicates > 0 ? ` (${plural(counts.duplicates, 'sample', 'samples')} already in the store)` : '';
  return `${dryRun ? 'Dry run: would import' : 'Imported'} ${parts.join(', ')}${already}; skipped: ${skippedText}`;
}
