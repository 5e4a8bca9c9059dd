/**
 * The one place where data becomes markup: every page, feed, badge, report and email that inlines
 * a value into HTML, XML or SVG goes through these. Pure, no imports, so every output can use them.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content or a quoted attribute value (either quote). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/**
 * Characters XML 1.0 does not allow at all (C0 controls but tab, LF and CR; U+FFFE, U+FFFF; lone
 * surrogates): one of them makes a whole feed unreadable, so they are dropped.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for XML content or a quoted attribute value (feeds, SVG): escaped, with characters XML forbids dropped. */
export function escapeXml(text: string): string {
  return escapeHtml(text.replace(NOT_XML, ''));
}

const IN_SCRIPT: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * JSON to place inside a `<script>` element (`<script type="application/json">`): `<`, `>` and
 * `&` are written as \u escapes, so no value can end the element (`</script>`), open a comment
 * (`<!--`) or be read as markup; U+2028 and U+2029 too, so the text is also a valid JavaScript
 * literal. `JSON.parse` of the element's text gives the value back unchanged.
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  return json.replace(/[<>&\u2028\u2029]/g, (c) => IN_SCRIPT[c] as string);
}
