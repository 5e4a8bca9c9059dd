/**
 * `cairn report` end to end: the real CLI on the fixture repo (--month, --all), and the HTML report
 * opened in real headless Chromium, printed to PDF.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureRepo } from '../src/reports/fixture.ts';
import { safeReportDocument } from '../src/reports/pages.ts';
import { CHROMIUM, cairn, chromiumAvailable } from './helpers.ts';

const NOW = '2026-05-10T00:00:00Z';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-report-e2e-'));
  await writeFixtureRepo(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cairn report', () => {
  it('--all fills every complete month with data, not the current one', async () => {
    const r = await cairn(['report', '--dir', dir, '--all', '--now', NOW, '--offline']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('2026-04: 25,849 samples; SLOs from the daily SLO snapshots in data/slo/history (3 for this month)');
    expect(r.stderr).not.toMatch(/error|warning/i);
    expect((await readdir(path.join(dir, 'reports'))).sort()).toEqual(['2026-03.html', '2026-03.md', '2026-04.html', '2026-04.md']);
    const again = await cairn(['report', '--dir', dir, '--all', '--now', NOW, '--offline']);
    expect(again.stdout + again.stderr).toContain('Every month with data already has its report.');
    // On 20 April, April is the current month: --all leaves it out unless --current asks for it.
    await rm(path.join(dir, 'reports', '2026-04.md'));
    await cairn(['report', '--dir', dir, '--all', '--now', '2026-04-20T00:00:00Z', '--offline']);
    expect(await readdir(path.join(dir, 'reports'))).not.toContain('2026-04.md');
    const current = await cairn(['report', '--dir', dir, '--all', '--current', '--now', '2026-04-20T00:00:00Z', '--offline']);
    expect(current.code).toBe(0);
    expect(await readFile(path.join(dir, 'reports', '2026-04.md'), 'utf8')).toContain('(in progress: figures up to 2026-04-20 00:00 UTC)');
  });

  it('--month previous on the 31st reports the month before, computed in code', async () => {
    const r = await cairn(['report', '--dir', dir, '--month', 'previous', '--now', '2026-05-31T23:30:00Z', '--offline']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^2026-04: /m);
    const bad = await cairn(['report', '--dir', dir, '--month', 'last']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--month: expected YYYY-MM, "previous" or "current", got "last"');
  });

  it('rejects a malformed or future month with exit 2', async () => {
    expect((await cairn(['report', '--dir', dir, '--month', '2026-13'])).code).toBe(2);
    expect((await cairn(['report', '--dir', dir, '--month', '2026-06', '--now', NOW])).code).toBe(2);
  });

  it('the site lists the reports under /reports/ and shows each one', async () => {
    await cairn(['report', '--dir', dir, '--month', '2026-04', '--now', NOW, '--offline']);
    const out = path.join(dir, 'dist');
    const r = await cairn(['build', '--dir', dir, '--out', out]);
    expect(r.code).toBe(0);
    const index = await readFile(path.join(out, 'reports', 'index.html'), 'utf8');
    expect(index).toContain('href="/reports/2026-04/"');
    expect(index).toContain('1 component missed its SLA: API (99.89% against 99.9%).');
    const page = await readFile(path.join(out, 'reports', '2026-04', 'index.html'), 'utf8');
    expect(page).toContain('<article class="cairn-report" data-month="2026-04">');
    expect(page).toContain('API outage | errors');
    // The printable report: the stored one through the allowlist, every element kept, with a policy against scripts.
    const printable = await readFile(path.join(out, 'reports', '2026-04.html'), 'utf8');
    const stored = await readFile(path.join(dir, 'reports', '2026-04.html'), 'utf8');
    expect(printable).toBe(safeReportDocument(stored));
    const tags = (html: string) => [...html.matchAll(/<([a-z][a-z0-9]*)/gi)].map((m) => m[1]).sort();
    expect(tags(printable)).toEqual([...tags(stored), 'meta'].sort());
    expect(printable).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\';');
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toContain('href="/reports/"');
  }, 120_000);

  it('the HTML report fits the text column on a 1,000 px screen and on A4 portrait (print), no table scrolling', async () => {
    if (!chromiumAvailable()) return;
    await cairn(['report', '--dir', dir, '--month', '2026-04', '--now', NOW, '--offline']);
    const file = path.join(dir, 'reports', '2026-04.html');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      // A4 is 210 mm wide; less the @page margins (14 mm each side) the text is 182 mm = 688 CSS px.
      for (const [width, media] of [[1000, 'screen'], [688, 'print']] as const) {
        const page = await browser.newPage({ viewport: { width, height: 1000 } });
        await page.emulateMedia({ media });
        await page.goto(pathToFileURL(file).href);
        const found = await page.evaluate(() => {
          const article = document.querySelector('article.cairn-report') as HTMLElement;
          const box = article.getBoundingClientRect();
          const style = getComputedStyle(article);
          const right = box.right - parseFloat(style.paddingRight) + 0.5;
          const past = [...article.querySelectorAll('table, figure, svg, p, li, h1, h2, h3')]
            .filter((e) => e.getBoundingClientRect().right > right)
            .map((e) => `${e.tagName.toLowerCase()} in #${e.closest('section')?.id ?? 'header'} ends at ${Math.round(e.getBoundingClientRect().right)} px, past ${Math.round(right)} px`);
          const scrolling = [...article.querySelectorAll('.table-wrap')].filter((w) => w.scrollWidth > w.clientWidth).map((w) => `table in #${w.closest('section')?.id} scrolls`);
          return { past, scrolling, page: document.documentElement.scrollWidth - document.documentElement.clientWidth, tables: article.querySelectorAll('table').length };
        });
        expect(found.tables, `${width} ${media}`).toBeGreaterThanOrEqual(8);
        expect([...found.past, ...found.scrolling], `${width} px ${media}`).toEqual([]);
        expect(found.page, `${width} px ${media}`).toBe(0);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('the HTML report opens in Chromium without errors and prints to a multi-page PDF', async () => {
    if (!chromiumAvailable()) return;
    await cairn(['report', '--dir', dir, '--month', '2026-04', '--now', NOW, '--offline']);
    const file = path.join(dir, 'reports', '2026-04.html');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (req) => requests.push(req.url()));
      await page.goto(pathToFileURL(file).href);
      expect(await page.title()).toBe('Acme Status: health report, April 2026');
      expect(await page.locator('svg').count()).toBe(4);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      expect(pages).toBeGreaterThanOrEqual(2); // the appendix starts a page of its own
      expect(problems).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]); // self-contained: nothing else is fetched
      const text = await readFile(file, 'utf8');
      expect(text).toContain('@page');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
