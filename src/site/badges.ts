/**
 * Badges per component: shields.io endpoint JSON (https://shields.io/badges/endpoint-badge) and
 * self-contained SVG badges, both from the model's figures (the same numbers as the page).
 */
import type { ComponentModel, WindowKey } from '../model/model.ts';
import { WINDOW_KEYS } from '../model/model.ts';
import { escapeXml } from '../text/escape.ts';
import { type StateKey, stateWord } from '../vocabulary/states.ts';

export interface ShieldsEndpoint {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
  isError?: boolean;
  cacheSeconds?: number;
}


/** Badge colours with at least 4.5:1 contrast for white text. */
const COLOR = { green: '#1a7f37', yellow: '#9a6700', red: '#cf222e', blue: '#0969da', grey: '#57606a' } as const;
export const STATE_COLOR: Record<StateKey, string> = { up: COLOR.green, degraded: COLOR.yellow, partial: COLOR.red, down: COLOR.red, maintenance: COLOR.blue, nodata: COLOR.grey };

export function uptimeColor(percent: string | null): string {
  if (percent === null) return COLOR.grey;
  const p = Number(percent);
  if (p >= 99.9) return COLOR.green;
  if (p >= 99) return COLOR.yellow;
  return COLOR.red;
}

export interface Badge {
  /** File name under badges/<component>/ without extension. */
  name: string;
  endpoint: ShieldsEndpoint;
}

export function componentBadges(c: ComponentModel): Badge[] {
  const status: Badge = {
    name: 'status',
    endpoint: {
      schemaVersion: 1,
      label: c.name,
      // The state in the one vocabulary, as the page and the API say it.
      message: stateWord(c.state),
      color: STATE_COLOR[c.state],
    },
  };
  const uptime = WINDOW_KEYS.map((key: WindowKey): Badge => {
    const f = c.uptime[key];
    return {
      name: `uptime-${key}`,
      endpoint: {
        schemaVersion: 1,
        label: `uptime ${key}`,
        message: f.percent !== null ? `${f.percent}%` : f.data === 'insufficient' ? 'not enough data' : 'no data',
        color: uptimeColor(f.percent),
      },
    };
  });
  const p50 = c.latency24h.p50;
  const responseTime: Badge = {
    name: 'response-time',
    endpoint: {
      schemaVersion: 1,
      label: 'response time',
      message: p50 === null ? 'no data' : `${Math.round(p50)} ms`,
      color: p50 === null ? COLOR.grey : p50 < 500 ? COLOR.green : p50 < 2000 ? COLOR.yellow : COLOR.red,
    },
  };
  return [status, ...uptime, responseTime];
}

// Widths of Verdana 11px glyphs (the font shields.io measures with), in px, for a close fit.
const NARROW = new Set([...'fijlrt.,:;!|\'()[] ']);
const WIDE = new Set([...'mwMW%@']);
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += NARROW.has(ch) ? 4 : WIDE.has(ch) ? 10 : /[A-Z0-9]/.test(ch) ? 7.5 : 6.5;
  return Math.ceil(w);
}

/** A flat, self-contained SVG badge (no external font, image or script). */
export function badgeSvg(b: ShieldsEndpoint): string {
  const label = escapeXml(b.label);
  const message = escapeXml(b.message);
  const lw = textWidth(b.label) + 12;
  const mw = textWidth(b.message) + 12;
  const w = lw + mw;
  const title = `${label}: ${message}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${b.color}"/></g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`,
    `<text x="${lw / 2}" y="14">${label}</text><text x="${lw + mw / 2}" y="14">${message}</text>`,
    `</g></svg>`,
  ].join('');
}
