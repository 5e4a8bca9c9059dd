/**
 * Regions: where a run was made from (`cairn run --region eu` or `CAIRN_REGION=eu`). A region is
 * stored with the run (`"g":"eu"` on the line) and is optional: data without a region is the
 * single-region case and is read exactly as before.
 */

/** A region name: letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 32. */
export const REGION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export function isRegion(value: unknown): value is string {
  return typeof value === 'string' && REGION_RE.test(value);
}

/** Parses a region name; returns a reason when it is not one. */
export function parseRegion(text: string): string | { error: string } {
  const value = text.trim();
  return isRegion(value) ? value : { error: `expected a region name (letters, digits, ".", "_", "-"; at most 32), found ${JSON.stringify(text)}` };
}
