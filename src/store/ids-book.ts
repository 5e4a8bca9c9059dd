/**
 * The check ids of a version 4 run line that does not repeat them (`"k"` in place of `"id"`).
 *
 * A day file's first line of a given set of checks carries their ids (`"id":[...]`); the later
 * lines with the same ids name them by a key: the first 8 characters of the base64url SHA-256 of
 * the ids' JSON text (`JSON.stringify(ids)`). The ids are the longest part of a run line, and git
 * stores a whole day file for every commit of a run as a delta: without them a line is about a
 * tenth of its size (docs/store.md, docs/benchmarks.md).
 *
 * A key is resolved within its own file only, by any valid line of that file that gives the ids,
 * before or after it (a union merge of two runners' appends may order lines either way).
 */
import { createHash } from 'node:crypto';

/** The key of a column of check ids, given as its JSON text (`JSON.stringify(ids)`) or those bytes. */
export function idsKey(json: string | Uint8Array): string {
  return createHash('sha256').update(json).digest('base64url').slice(0, 8);
}

export const IDS_KEY_RE = /^[A-Za-z0-9_-]{8}$/;

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The ids the lines of one day file give, by key. Readers note the ids of every valid line that
 * has them (cheap: keys are computed only when a line asks for one); a key not seen yet makes the
 * book read every line of the file that gives ids, once (`whole` returns the file's text).
 */
export class IdsBook {
  #byKey = new Map<string, readonly string[]>();
  #unkeyed: (readonly string[])[] = [];
  #last: readonly string[] | null = null;
  #whole: (() => string | null) | undefined;
  #scanned = false;
  /** Checks a line that gives ids, for the whole-file look-up: the ids when the line is valid, else null. */
  #validIds: ((line: string) => readonly string[] | null) | undefined;

  constructor(whole?: () => string | null, validIds?: (line: string) => readonly string[] | null) {
    this.#whole = whole;
    this.#validIds = validIds;
  }

  /** A valid line of the file gave these ids. */
  note(ids: readonly string[]): void {
    if (this.#last !== null && sameIds(this.#last, ids)) return;
    this.#last = ids;
    this.#unkeyed.push(ids);
  }

  /** The ids a valid line of the file gives for `key`, or undefined. */
  lookup(key: string): readonly string[] | undefined {
    const hit = this.#find(key);
    if (hit !== undefined || this.#scanned || this.#whole === undefined || this.#validIds === undefined) return hit;
    this.#scanned = true;
    const text = this.#whole();
    if (text) {
      for (const line of text.split('\n')) {
        if (!line.includes('"id":[')) continue;
        const ids = this.#validIds(line);
        if (ids) this.note(ids);
      }
    }
    return this.#find(key);
  }

  #find(key: string): readonly string[] | undefined {
    for (const ids of this.#unkeyed) {
      const k = idsKey(JSON.stringify(ids));
      if (!this.#byKey.has(k)) this.#byKey.set(k, ids);
    }
    this.#unkeyed.length = 0;
    return this.#byKey.get(key);
  }
}
