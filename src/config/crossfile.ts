/**
 * Rules that span files: check ids and group ids are unique across the status repo, and a
 * component belongs to at most one group. They read the raw data of every file that parsed, even
 * of files the schema rejected, so a single run reports every problem.
 */
import { formatWhere } from './errors.ts';
import type { Problems } from './problems.ts';
import type { SourceLocation } from './types.ts';
import { formatPath, type PathKey } from './yaml-source.ts';

export interface RawFile {
  file: string;
  data: Record<string, unknown>;
  locate(path: readonly PathKey[]): SourceLocation;
}

interface Occurrence {
  id: string;
  path: PathKey[];
  file: RawFile;
}

function listAt(data: Record<string, unknown>, key: string): unknown[] {
  const value = data[key];
  return Array.isArray(value) ? value : [];
}

function idOf(entry: unknown): string | null {
  if (typeof entry === 'string') return entry;
  if (entry !== null && typeof entry === 'object' && 'id' in entry && typeof entry.id === 'string') return entry.id;
  return null;
}

/** Each entry of the list `key` (checks, groups) that has an id, in file order. */
function occurrences(files: readonly RawFile[], key: string): Occurrence[] {
  const out: Occurrence[] = [];
  for (const file of files) {
    listAt(file.data, key).forEach((entry, i) => {
      const id = entry !== null && typeof entry === 'object' ? idOf(entry) : null;
      if (id !== null) out.push({ id, path: [key, i, 'id'], file });
    });
  }
  return out;
}

/** Reports every occurrence of an id after its first; returns the first occurrences. */
function reportDuplicates(list: readonly Occurrence[], what: string, problems: Problems): Occurrence[] {
  const first = new Map<string, Occurrence>();
  for (const o of list) {
    const earlier = first.get(o.id);
    if (!earlier) {
      first.set(o.id, o);
      continue;
    }
    const where = formatWhere(earlier.file.locate(earlier.path));
    problems.error(o.file.locate(o.path), formatPath(o.path), `duplicate ${what} id "${o.id}" (first defined at ${where})`);
  }
  return [...first.values()];
}

/** A component listed in two groups (or twice in one) is an error at the second listing. */
function reportComponentsInTwoGroups(groups: readonly Occurrence[], problems: Problems): void {
  const listed = new Map<string, { group: string; at: SourceLocation }>();
  for (const group of groups) {
    const index = group.path[1] as number;
    const entry = listAt(group.file.data, 'groups')[index] as Record<string, unknown>;
    listAt(entry, 'components').forEach((component, ci) => {
      const id = idOf(component);
      if (id === null) return;
      const path = ['groups', index, 'components', ci];
      const at = group.file.locate(path);
      const earlier = listed.get(id);
      if (!earlier) {
        listed.set(id, { group: group.id, at });
        return;
      }
      const message = `component "${id}" is already in group "${earlier.group}" (at ${formatWhere(earlier.at)}); a component belongs to one group`;
      problems.error(at, formatPath(path), message);
    });
  }
}

export function checkCrossFileRules(files: readonly RawFile[], problems: Problems): void {
  reportDuplicates(occurrences(files, 'checks'), 'check', problems);
  const groups = reportDuplicates(occurrences(files, 'groups'), 'group', problems);
  reportComponentsInTwoGroups(groups, problems);
}
