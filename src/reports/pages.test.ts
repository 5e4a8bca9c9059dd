import { describe, expect, it } from 'vitest';
import { reportPage, safeReportBody, safeReportDocument, safeReportStyle } from './pages.ts';
import { trendSvg } from './svg.ts';

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror="alert(2)">',
  '<a href="javascript:alert(3)">x</a>',
  '<a href="//evil.example/">y</a>',
  '<iframe src="https://evil.example/"></iframe>',
  '<svg onload="alert(4)"><rect x="1" y="1" width="2" height="2" onclick="alert(5)"/></svg>',
  '<form action="https://evil.example/"><input name="q"></form>',
  '<object data="x.swf"></object><embed src="x.swf">',
  '<div style="color: red" onmouseover="alert(6)">z</div>',
].join('\n');

describe('report pages: what the site embeds', () => {
  it('drops scripts, handlers, frames, forms and javascript: links from a report body, keeps the rest', () => {
    const out = safeReportBody(`<article class="cairn-report">${HOSTILE}<p>kept</p></article>`);
    expect(out).not.toMatch(/<script|onerror|onload|onclick|onmouseover|javascript:|<iframe|<form|<input|<object|<embed|evil\.example/i);
    expect(out).toContain('<p>kept</p>');
    expect(out).toContain('<rect x="1" y="1" width="2" height="2" />');
    expect(out).toContain('<div style="color:red">z</div>');
  });

  it('keeps the charts cairn report draws, attribute case and all', () => {
    const svg = trendSvg('Availability by month', [{ label: 'Sep', percent: '99.50', met: true }, { label: 'Oct', percent: '98.10', met: false }, { label: 'Nov', percent: null, met: null }]);
    const out = safeReportBody(svg);
    expect(out).toContain('viewBox="0 0 ');
    expect(out.match(/<[a-z]+/g)).toEqual(svg.match(/<[a-z]+/g));
  });

  it('a style that closes its element is dropped; the printable page gets a policy without scripts', () => {
    const html = `<!doctype html><html><head><meta http-equiv="refresh" content="0;url=https://evil.example/"><title>T</title><style data-cairn-report>.a{}</style><style>x{}</style></head><body><article class="cairn-report"><ul class="summary"><li>Fine.</li></ul>${HOSTILE}</article><script>alert(7)</script></body></html>`;
    const page = reportPage('2026-10', html.replace('.a{}', '.a{}</style><script>alert(8)</script><style>'), null);
    // The style ends at the first </style>: what an injection put after it is markup, and goes.
    expect(page.style).toBe('.a{}');
    expect(safeReportStyle('.a{} </STYLE ><script>alert(9)</script>')).toBe('');
    expect(page.summary).toEqual(['Fine.']);
    expect(page.html).not.toMatch(/<script|refresh|onerror|javascript:|evil\.example/i);
    expect(page.html).toMatch(/^<!doctype html>\n<html><head>\n<meta http-equiv="Content-Security-Policy" content="default-src 'none';[^"]*" \/>/);
    // Printable styles of the head are kept.
    expect(safeReportDocument(html)).toContain('<style>x{}</style>');
  });
});
