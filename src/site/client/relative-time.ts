/**
 * Relative times, computed when the page is VIEWED (DESIGN.md: a static page shows absolute
 * times; anything relative is computed when it is viewed). The built HTML carries absolute
 * times only; this small client module adds "for 2 h 5 min" next to each one marked for it, and
 * keeps it current while the page stays open. Without JavaScript the page reads the same, minus
 * the relative part.
 *
 * Markup it reads (written by the site's components):
 *
 *   <time datetime="2026-11-24T10:00:00.000Z" data-relative="for {}">Nov 24, 10:00 UTC</time>
 *
 * `data-relative` holds the words around the elapsed time, in the page's language, with `{}`
 * where the elapsed time goes; the module writes the result into a `<span data-relative-output>`
 * right after the element (created once, then updated). It runs under the page's CSP
 * (`script-src 'self'`): loaded as a file, never inline.
 */

/** The attribute that marks an absolute `<time>` for a relative addition. */
export const RELATIVE_ATTRIBUTE = 'data-relative';
export const OUTPUT_ATTRIBUTE = 'data-relative-output';

/** An elapsed time in words, like the page's durations: `45 s`, `12 min`, `2 h 5 min`, `3 d 4 h`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  return h > 0 ? (m > 0 ? `${h} h ${m} min` : `${h} h`) : `${m} min`;
}

/** The text for one element: the template with the time elapsed since `datetime`; null when it is not a time. */
export function relativeText(template: string, datetime: string, now: number): string | null {
  const at = Date.parse(datetime);
  if (Number.isNaN(at)) return null;
  return template.includes('{}') ? template.replace('{}', formatElapsed(now - at)) : `${template} ${formatElapsed(now - at)}`;
}

/**
 * Writes the relative text after every marked `<time>` under `root`, as of `now`. Idempotent:
 * call it again to refresh. Returns how many were written.
 */
export function renderRelativeTimes(root: ParentNode, now: number = Date.now()): number {
  let n = 0;
  for (const el of Array.from(root.querySelectorAll(`time[${RELATIVE_ATTRIBUTE}]`))) {
    const text = relativeText(el.getAttribute(RELATIVE_ATTRIBUTE) ?? '', el.getAttribute('datetime') ?? '', now);
    if (text === null) continue;
    let out = el.nextElementSibling;
    if (!out || !out.hasAttribute(OUTPUT_ATTRIBUTE)) {
      out = el.ownerDocument.createElement('span');
      out.setAttribute(OUTPUT_ATTRIBUTE, '');
      el.after(out);
    }
    const value = ` (${text})`;
    if (out.textContent !== value) out.textContent = value;
    n += 1;
  }
  return n;
}

/** Renders now and every `everyMs` while the page is open; returns a function that stops it. */
export function startRelativeTimes(root: ParentNode = document, everyMs = 30_000): () => void {
  renderRelativeTimes(root);
  const timer = setInterval(() => renderRelativeTimes(root), everyMs);
  return () => clearInterval(timer);
}
