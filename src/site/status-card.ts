/**
 * The status card: one self-contained SVG (no external font, image or script) with the page's
 * overall state and each component's, for a README, a wiki or another site
 * (`badges/status-card.svg`). Every name is text, XML-escaped once; long names are cut.
 */
import type { StatusModel } from '../model/model.ts';
import { cut } from '../config/secrets.ts';
import { escapeXml } from '../text/escape.ts';
import { languageOf, STATE_WORDS, type StateKey } from '../vocabulary/states.ts';
import { STATE_COLOR } from './badges.ts';

export const STATUS_CARD_FILE = 'status-card.svg';

const WIDTH = 420;
const ROW = 24;
const HEAD = 56;
/** Components shown; more are summed up in one line. */
const MAX_ROWS = 30;

export function statusCardSvg(model: StatusModel): string {
  const lang = languageOf(model.site.locale);
  const words = STATE_WORDS[lang];
  const shown = model.components.slice(0, MAX_ROWS);
  const more = model.components.length - shown.length;
  const active = model.incidents.filter((i) => i.resolvedAt === null).length;
  const rows = shown.length + (more > 0 ? 1 : 0);
  const height = HEAD + rows * ROW + (active > 0 ? ROW : 0) + 12;
  const title = `${model.site.title}: ${words[model.state].page}`;
  const dot = (state: StateKey, x: number, y: number) => `<circle cx="${x}" cy="${y}" r="5" fill="${STATE_COLOR[state]}"/>`;
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0.5" y="0.5" width="${WIDTH - 1}" height="${height - 1}" rx="6" fill="#ffffff" stroke="#d1d9e0"/>`,
    `<g font-family="system-ui,-apple-system,Segoe UI,Roboto,DejaVu Sans,sans-serif" font-size="13" fill="#1f2328">`,
    `<text x="16" y="24" font-size="15" font-weight="700">${escapeXml(cut(model.site.title, 48))}</text>`,
    dot(model.state, 22, 41),
    `<text x="34" y="45" fill="${STATE_COLOR[model.state]}" font-weight="600" data-state="${model.state}">${escapeXml(words[model.state].page)}</text>`,
  ];
  let y = HEAD;
  for (const c of shown) {
    lines.push(
      `<line x1="16" x2="${WIDTH - 16}" y1="${y + 0.5}" y2="${y + 0.5}" stroke="#eaeef2"/>`,
      `<text x="16" y="${y + 17}">${escapeXml(cut(c.name, 40))}</text>`,
      dot(c.state, WIDTH - 150, y + 12),
      `<text x="${WIDTH - 140}" y="${y + 17}" fill="#59636e">${escapeXml(words[c.state].label)}</text>`,
    );
    y += ROW;
  }
  if (more > 0) {
    lines.push(`<text x="16" y="${y + 17}" fill="#59636e">and ${more} more</text>`);
    y += ROW;
  }
  if (active > 0) lines.push(`<text x="16" y="${y + 17}" fill="#cf222e">${active} active incident${active === 1 ? '' : 's'}</text>`);
  lines.push('</g></svg>', '');
  return lines.join('\n');
}
