/**
 * The reports as the site shows them: read from the status repo's reports/ folder by `cairn
 * build` (readReportPages, the I/O) and cut into title, summary, style and body (reportPage, pure).
 *
 * A report file is data like any other in the repository (anyone with a commit can change it), and
 * the site embeds it in its own pages: its body goes through an allowlist of the elements and
 * attributes a report holds (sanitize-html), its style must not close its element, and the printable
 * page goes through the same allowlist and gets a Content-Security-Policy without scripts.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import sanitizeHtml from 'sanitize-html';
import { REPORTS_DIR } from './generate.ts';
import type { ReportPage } from './types.ts';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&#x3D;': '=', '&#x60;': '`' };
const text = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&(?:amp|lt|gt|quot|#x27|#39|#x3D|#x60);/g, (e) => ENTITIES[e] ?? e).replace(/\s+/g, ' ').trim();

/**
 * The elements and attributes a report's body may hold: sanitize-html's safe defaults (text,
 * lists, tables, links), what `cairn report` writes (templates/report.html.hbs and its SVG charts,
 * svg.ts), and images; no script, handler, frame, form, object or `javascript:` link.
 */
const BODY_POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags,
    'article', 'header', 'footer', 'time', 'small', 'img',
    'svg', 'g', 'title', 'desc', 'rect', 'line', 'polyline', 'polygon', 'circle', 'ellipse', 'text', 'tspan', 'path',
  ],
  allowedAttributes: {
    '*': ['class', 'id', 'role', 'aria-*', 'data-*', 'title', 'lang', 'dir', 'style', 'colspan', 'rowspan', 'scope', 'headers'],
    a: ['href', 'name'],
    img: ['src', 'alt', 'width', 'height'],
    time: ['datetime'],
    svg: ['viewBox', 'width', 'height', 'xmlns', 'preserveAspectRatio'],
    g: ['transform'],
    rect: ['x', 'y', 'width', 'height', 'rx', 'ry'],
    line: ['x1', 'y1', 'x2', 'y2'],
    polyline: ['points'],
    polygon: ['points'],
    circle: ['cx', 'cy', 'r'],
    ellipse: ['cx', 'cy', 'rx', 'ry'],
    text: ['x', 'y', 'dx', 'dy', 'text-anchor', 'dominant-baseline'],
    tspan: ['x', 'y', 'dx', 'dy'],
    path: ['d'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https', 'data'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // SVG attribute names are case-sensitive (viewBox); SVG's empty elements stay self-closed.
  parser: { lowerCaseAttributeNames: false, lowerCaseTags: false },
  selfClosing: ['br', 'hr', 'img', 'rect', 'line', 'polyline', 'polygon', 'circle', 'ellipse', 'path'],
};

/** The same for the whole printable document: its head's title, character set and style sheets too (no `http-equiv`, no links). */
const DOCUMENT_POLICY: sanitizeHtml.IOptions = {
  ...BODY_POLICY,
  allowedTags: [...(BODY_POLICY.allowedTags as string[]), 'html', 'head', 'body', 'meta', 'style'],
  allowedAttributes: { ...(BODY_POLICY.allowedAttributes as Record<string, string[]>), meta: ['charset', 'name', 'content'], style: ['data-cairn-report', 'media'] },
  allowVulnerableTags: true,
  selfClosing: [...(BODY_POLICY.selfClosing as string[]), 'meta'],
  // A meta without a name or a character set (what is left of an http-equiv one) goes whole.
  exclusiveFilter: (frame) => frame.tag === 'meta' && frame.attribs['charset'] === undefined && frame.attribs['name'] === undefined,
};

/** A report's body, with only the elements and attributes a report holds (scripts, handlers, frames, forms gone). */
export function safeReportBody(html: string): string {
  return sanitizeHtml(html, BODY_POLICY);
}

/** A report's style sheet, or nothing when it holds markup (`<` could end its element). */
export function safeReportStyle(css: string): string {
  return css.includes('<') ? '' : css;
}

/** Content-Security-Policy of the printable report: no scripts, nothing fetched but images. */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; base-uri 'none'; form-action 'none'";

/** The printable report: the document sanitized as its body is, with a Content-Security-Policy first in its head. */
export function safeReportDocument(html: string): string {
  const clean = sanitizeHtml(html, DOCUMENT_POLICY);
  const csp = `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}" />`;
  const withCsp = /<head>/i.test(clean) ? clean.replace(/<head>/i, `<head>\n${csp}`) : `<head>${csp}</head>\n${clean}`;
  return `<!doctype html>\n${withCsp.replace(/^\s+/, '')}`;
}

export function reportPage(month: string, html: string, markdown: string | null): ReportPage {
  const title = text(/<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? `Report ${month}`);
  const style = safeReportStyle(/<style data-cairn-report>([\s\S]*?)<\/style>/i.exec(html)?.[1]?.trim() ?? '');
  const article = /<article class="cairn-report"[\s\S]*<\/article>/i.exec(html)?.[0];
  const body = safeReportBody(article ?? /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1]?.trim() ?? '');
  const list = /<ul class="summary">([\s\S]*?)<\/ul>/i.exec(html)?.[1] ?? '';
  const summary = [...list.matchAll(/<li>([\s\S]*?)<\/li>/gi)].map((m) => text(m[1] as string));
  return { month, title, summary, style, body, html: safeReportDocument(html), markdown };
}

/** Every `reports/YYYY-MM.html` (with its `.md` when there is one), newest first. */
export async function readReportPages(dir: string): Promise<ReportPage[]> {
  const names = await readdir(path.join(dir, REPORTS_DIR)).catch(() => [] as string[]);
  const months = names.filter((n) => /^\d{4}-(0[1-9]|1[0-2])\.html$/.test(n)).map((n) => n.slice(0, 7)).sort().reverse();
  const out: ReportPage[] = [];
  for (const m of months) {
    const html = await readFile(path.join(dir, REPORTS_DIR, `${m}.html`), 'utf8');
    const md = await readFile(path.join(dir, REPORTS_DIR, `${m}.md`), 'utf8').catch(() => null);
    out.push(reportPage(m, html, md));
  }
  return out;
}
