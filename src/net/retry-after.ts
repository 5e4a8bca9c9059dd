/**
 * HTTP's Retry-After header, read the same way by every sender that backs off on 429/503
 * (notifications: src/notify/delivery.ts; remote write: src/remote-write/send.ts).
 */

/** Retry-After as milliseconds to wait: delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.ceil(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
