/**
 * The response-time column of a version 3 run line (`"ms"`): whole milliseconds as text that
 * git's zlib packs in fewer bytes than a JSON array of numbers (docs/store.md, docs/benchmarks.md).
 *
 * For n checks the text is two parts:
 *
 * 1. n characters, one per check: `~` no response time (null); for 0 to 4,095 ms the value's high
 *    digit in base 64 (`ALPHABET[v >> 6]`); `!` for 4,096 to 16,777,215 ms.
 * 2. for every check with a response time, in column order: its low digit in base 64
 *    (`ALPHABET[v & 63]`), or after a `!` the whole value in four base-64 digits, highest first.
 *
 * `[84, null, 3, 5000]` → `1~0!` + `K` + `3` + `01E8` = `"1~0!K301E8"`.
 *
 * The high digits of a check stay the same from run to run far more often than the low ones, and
 * git compresses a day file with all its lines: the first part repeats, the second is nearly all
 * of what a run adds. Every character is a JSON string character that needs no escape.
 */

/** Base-64 digits, in the order of their values (0 is `0`, 63 is `_`). */
export const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
/** The first-part character of a check without a response time. */
export const NONE = '~';
/** The first-part character of a response time of 4,096 ms or more (four digits in the second part). */
export const WIDE = '!';
/** Response times up to this many ms can be written (a larger one: the run is written as a version 2 line). */
export const MAX_MS = 64 ** 4 - 1;

/** Value of each byte as a base-64 digit; -1 for any other byte. */
export const DIGIT: Int8Array = (() => {
  const d = new Int8Array(256).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) d[ALPHABET.charCodeAt(i)] = i;
  return d;
})();
export const NONE_BYTE = NONE.charCodeAt(0);
export const WIDE_BYTE = WIDE.charCodeAt(0);

/** The text of whole-millisecond response times (null for none), or null when one is not a whole number from 0 to MAX_MS. */
export function encodeMsText(ms: readonly (number | null)[]): string | null {
  let high = '';
  let low = '';
  for (const v of ms) {
    if (v === null) {
      high += NONE;
      continue;
    }
    if (!Number.isInteger(v) || v < 0 || v > MAX_MS) return null;
    if (v < 4096) {
      high += ALPHABET[v >> 6];
      low += ALPHABET[v & 63];
    } else {
      high += WIDE;
      low += `${ALPHABET[(v >> 18) & 63]}${ALPHABET[(v >> 12) & 63]}${ALPHABET[(v >> 6) & 63]}${ALPHABET[v & 63]}`;
    }
  }
  return high + low;
}

/**
 * Decodes the text of `n` checks from `code(i)` (the i-th character code of the text, `length`
 * characters) into `out` (null as `nullAs`); false when it is not such a text.
 */
export function decodeMsInto(code: (i: number) => number, length: number, n: number, out: { [i: number]: number }, nullAs: number): boolean {
  if (length < n) return false;
  let p = n;
  for (let i = 0; i < n; i++) {
    const h = code(i);
    if (h === NONE_BYTE) {
      out[i] = nullAs;
      continue;
    }
    if (h === WIDE_BYTE) {
      if (p + 4 > length) return false;
      let v = 0;
      for (let k = 0; k < 4; k++) {
        const d = code(p + k) < 256 ? (DIGIT[code(p + k)] as number) : -1;
        if (d < 0) return false;
        v = v * 64 + d;
      }
      out[i] = v;
      p += 4;
      continue;
    }
    const hi = h < 256 ? (DIGIT[h] as number) : -1;
    const lo = p < length && code(p) < 256 ? (DIGIT[code(p)] as number) : -1;
    if (hi < 0 || lo < 0) return false;
    out[i] = hi * 64 + lo;
    p += 1;
  }
  return p === length;
}

/** The response times of `n` checks written in `text`, or null when it is not such a text. */
export function decodeMsText(text: string, n: number): (number | null)[] | null {
  const out = new Array<number>(n);
  if (!decodeMsInto((i) => text.charCodeAt(i), text.length, n, out, -1)) return null;
  return out.map((v) => (v < 0 ? null : v));
}
