/**
 * The reports as the site shows them: read from the status repo's reports/ folder by `cairn
 * build` (readReportPages, the I/O) and cut into title, summary, style and body (reportPage, pure).
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { REPORTS_DIR } from './generate.ts';
import type { ReportPage } from './types.ts';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&#x3D;': '=', '&#x60;': '`' };
const text = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&(?:amp|lt|gt|quot|#x27|#39|#x3D|#x60);/g, (e) => ENTITIES[e] ?? e).replace(/\s+/g, ' ').trim();

export function reportPage(month: string, html: string, markdown: string | null): ReportPage {
  const title = text(/<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? `Report ${month}`);
  const style = /<style data-cairn-report>([\s\S]*?)<\/style>/i.exec(html)?.[1]?.trim() ?? '';
  const article = /<article class="cairn-report"[\s\S]*<\/article>/i.exec(html)?.[0];
  const body = article ?? /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1]?.trim() ?? '';
  const list = /<ul class="summary">([\s\S]*?)<\/ul>/i.exec(html)?.[1] ?? '';
  const summary = [...list.matchAll(/<li>([\s\S]*?)<\/li>/gi)].map((m) => text(m[1] as string));
  return { month, title, summary, style, body, html, markdown };
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
