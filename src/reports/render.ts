/**
 * Rendering a report view with Handlebars: Cairn's templates (src/reports/templates), or the
 * status repo's own `templates/report.md.hbs` and `templates/report.html.hbs` when it has them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { ReportView } from './data.ts';

export const BUILTIN_TEMPLATES = fileURLToPath(new URL('./templates/', import.meta.url));
export const REPO_TEMPLATES = 'templates';
export const TEMPLATE_FILES = { md: 'report.md.hbs', html: 'report.html.hbs' } as const;

export interface Templates {
  md: string;
  html: string;
  /** Which file each came from (for messages). */
  sources: { md: string; html: string };
}

async function readOr(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The status repo's templates where it has them, Cairn's otherwise. */
export async function loadTemplates(dir: string): Promise<Templates> {
  const out = { md: '', html: '', sources: { md: '', html: '' } };
  for (const kind of ['md', 'html'] as const) {
    const own = path.join(dir, REPO_TEMPLATES, TEMPLATE_FILES[kind]);
    const text = await readOr(own);
    const file = text === null ? path.join(BUILTIN_TEMPLATES, TEMPLATE_FILES[kind]) : own;
    out[kind] = text ?? (await readFile(file, 'utf8'));
    out.sources[kind] = file;
  }
  return out;
}

function engine(): typeof Handlebars {
  const hb = Handlebars.create();
  // A markdown table cell: no pipe or line break may end the cell early.
  hb.registerHelper('cell', (v: unknown) => String(v ?? '').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\s*[\r\n]+\s*/g, ' '));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return hb;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

export function renderReport(view: ReportView, templates: Templates): { md: string; html: string } {
  const hb = engine();
  const run = (kind: 'md' | 'html') => {
    try {
      const t = hb.compile(templates[kind], { noEscape: kind === 'md', strict: false });
      return `${t(view).replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
    } catch (err) {
      throw new TemplateError(`${templates.sources[kind]}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return { md: run('md'), html: run('html') };
}
