import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { appendRuns } from '../store/samples.ts';
import { readStore } from '../store/store.ts';
import type { RollupRecord } from '../store/rollup-format.ts';
import { ImportError, importUpptime, summaryLine } from './upptime.ts';
import { convertConfig, convertSecrets } from './upptime-config.ts';
import { buildLongUpptimeRepo, buildUpptimeRepo, LONG_END, LONG_START, upptimeUptime } from './upptime-fixture.ts';
import { computePeriods } from '../model/period.ts';
import { buildReport, monthPeriod } from '../reports/generate.ts';
import { buildModel } from '../site/build.ts';
import { parseSubject, templateRegex } from './upptime-history.ts';
import { parseIncident } from '../incidents/parse.ts';
import { convertIssues } from './upptime-incidents.ts';
import { slugify, upptimeSlug } from './upptime-slug.ts';

const EXPECTED_CHECKS = `# Imported from Upptime's .upptimerc.yml by \`cairn import upptime\`. Edit freely: a later import
# refuses to overwrite this file unless run with --force.
# yaml-language-server: $schema=../cairn.schema.json
# Secrets (set them in the environment / Actions secrets): API_TOKEN
checks:
  - id: example-website
    name: Example Website
    kind: http
    url: https://www.example.com
    expectStatus:
      - 200
      - 301
    thresholds:
      degraded: 3s
  - id: api
    name: Example API
    kind: http
    url: https://api.example.com/health
    method: POST
    headers:
      Authorization: Bearer \${API_TOKEN}
      Accept: application/json
  - id: database
    name: Database
    kind: tcp
    host: db.example.com
    port: 5432
`;

const t = (iso: string) => Date.parse(iso);

const STATUS_WORD: Record<string, string> = { u: 'up', w: 'degraded', d: 'down', m: 'maintenance' };
const clock = (ms: number) => (ms === 86_400_000 ? '24:00:00' : new Date(ms).toISOString().slice(11, 19));
/** `2026-03-02 api 00:00:00-03:10:00 up, 03:10:00-03:40:00 down, ...` */
function timeline(r: RollupRecord): string {
  return `${r.d} ${r.id} ${r.seg.map(([a, b, l]) => `${clock(a)}-${clock(b)} ${STATUS_WORD[l] ?? l}`).join(', ')}`;
}

let fixture: { repo: string; issues: string };
beforeAll(async () => {
  fixture = await buildUpptimeRepo();
}, 60_000);

const tmpDir = () => mkdtemp(path.join(os.tmpdir(), 'cairn-import-dst-'));

describe('Upptime slugs', () => {
  it.each([
    ['Wikipedia', 'wikipedia'],
    ['Example Website', 'example-website'],
    ['Google (US)', 'google-us'],
    ['fooBar API', 'foo-bar-api'],
    ['Café & Bar', 'cafe-and-bar'],
    ['Größe Über', 'groesse-ueber'],
    ['  --Hello--World--  ', 'hello-world'],
    ['Сервер', 'server'],
  ])('%s -> %s', (name, slug) => expect(slugify(name)).toBe(slug));

  it('prefers an explicit slug, keeps Unicode-only names, falls back to the URL', () => {
    expect(upptimeSlug({ name: 'Example API', slug: ' api ' })).toBe('api');
    expect(upptimeSlug({ name: '鸭鸭梨', url: 'https://example.com' })).toBe('鸭鸭梨');
    expect(upptimeSlug({ name: '///', url: 'https://example.com/path' })).toBe('https-example-com-path');
  });
});

describe('commit messages', () => {
  it.each([
    ['🟩 Site Name is up (200 in 321 ms) [skip ci] [upptime]', { status: 'up', name: 'Site Name', code: 200, ms: 321 }],
    ['🟥 Site Name is down (500 in 321 ms) [skip ci] [upptime]', { status: 'down', name: 'Site Name', code: 500, ms: 321 }],
    ['🟨 Site Name has degraded performance (200 in 3012 ms) [skip ci] [upptime]', { status: 'degraded', name: 'Site Name', code: 200, ms: 3012 }],
    ['🟨 Site is degraded (200 in 3012 ms)', { status: 'degraded', name: 'Site', code: 200, ms: 3012 }],
    ['🟥 Is Up Now is down (0 in 0 ms) [skip ci] [upptime]', { status: 'down', name: 'Is Up Now', code: 0, ms: 0 }],
  ])('%s', (subject, expected) => expect(parseSubject(subject)).toMatchObject(expected));

  it('rejects messages that are not status changes', () => {
    expect(parseSubject('🗃️ Update summary in README [skip ci] [upptime]')).toBeNull();
    expect(parseSubject('Fix typo')).toBeNull();
  });

  it('follows a custom statusChange template and custom prefixes', () => {
    const format = { template: '$PREFIX [$SITE_NAME] $RESPONSE_CODE/$RESPONSE_TIME ms', prefixDown: 'DOWN' };
    expect(parseSubject('DOWN [Shop] 503/87 ms', format)).toEqual({ status: 'down', name: 'Shop', url: null, code: 503, ms: 87 });
    expect(templateRegex('$SITE_NAME is $STATUS').test('a.b is up')).toBe(true);
    expect(templateRegex('$SITE_NAME is $STATUS').test('aXb is up')).toBe(true);
  });
});

describe('configuration', () => {
  it('turns $SECRET references into ${SECRET} and escapes a literal ${', () => {
    const found = new Set<string>();
    expect(convertSecrets('Bearer $API_TOKEN and ${x}', found)).toBe('Bearer ${API_TOKEN} and $${x}');
    expect([...found]).toEqual(['API_TOKEN']);
  });

  it('reports sites and options it cannot carry over', () => {
    const c = convertConfig({
      owner: 'Acme',
      repo: 'status',
      sites: [
        { name: 'A', url: 'https://a.example.com', ipv6: true, frobnicate: 1 },
        { name: 'B', url: 'ftp://b.example.com' },
        { name: 'C', check: 'tcp-ping', url: 'c.example.com' },
        { name: 'a', url: 'https://other.example.com' },
        { name: 'S', check: 'ssl', url: 'https://s.example.com' },
      ],
      'status-website': { baseUrl: '/status' },
      workflowSchedule: { uptime: '*/10 * * * *' },
    });
    expect(c.checks.map((x) => x['id'])).toEqual(['a']);
    expect(c.site).toEqual({ title: 'status', baseUrl: 'https://acme.github.io/status/' });
    expect(c.interval).toBe('10m');
    expect(c.skipped.map((s) => s.category)).toEqual(['option', 'option', 'site', 'site', 'site', 'site']);
    expect(c.skipped.map((s) => s.message).join('\n')).toMatch(/ipv6[\s\S]*frobnicate[\s\S]*ftp[\s\S]*port[\s\S]*already used[\s\S]*"ssl"/);
  });
});

describe('incidents', () => {
  it('matches components by label and title, takes impact from labels, skips other issues', () => {
    const sites = [{ name: 'Shop', url: 'https://shop', slug: 'shop', id: 'shop', imported: true }];
    const { incidents, skipped } = convertIssues(
      [
        { number: 7, title: '🛑 Shop is down', labels: [{ name: 'status' }, { name: 'critical' }], createdAt: '2026-01-01T00:00:00Z', closedAt: null, state: 'OPEN', body: '' },
        { number: 8, title: 'Question', labels: [], createdAt: '2026-01-01T00:00:00Z' },
        { title: 'no number' },
      ],
      sites,
    );
    expect(incidents.map((i) => i.file)).toEqual(['incidents/upptime-7.md']);
    const parsed = parseIncident('incidents/upptime-7.md', (incidents[0] as { content: string }).content);
    expect(parsed.errors).toEqual([]);
    expect(parsed.incident).toMatchObject({ title: 'Shop is down', impact: 'critical', components: ['shop'], resolvedAt: null, startedAt: Date.parse('2026-01-01T00:00:00Z') });
    expect(skipped.map((s) => s.count)).toEqual([1, 1]);
  });
});

describe('cairn import upptime (importUpptime)', () => {
  it('writes the checks, the settings, the samples and the incidents, and reports what it skipped', async () => {
    const dir = await tmpDir();
    const result = await importUpptime({ source: fixture.repo, dir, issuesFile: fixture.issues });

    expect(await readFile(path.join(dir, 'checks', 'upptime.yaml'), 'utf8')).toBe(EXPECTED_CHECKS);
    expect(await readFile(path.join(dir, 'cairn.yaml'), 'utf8')).toBe(
      "# Imported from Upptime by `cairn import upptime`.\n# yaml-language-server: $schema=./cairn.schema.json\nsite:\n  title: Acme Status\n  description: Live status of Acme's services\n  baseUrl: https://status.acme.com/\n",
    );

    // The real loader accepts the result, with and without the secret.
    const config = await loadConfig(dir, { missingEnv: 'keep', env: {} });
    expect(config.checks.map((c) => [c.id, c.kind])).toEqual([
      ['example-website', 'http'],
      ['api', 'http'],
      ['database', 'tcp'],
    ]);
    const withSecret = await loadConfig(dir, { env: { API_TOKEN: 's3cret' } });
    expect(withSecret.site.title).toBe('Acme Status');

    // The history is over (days before today): whole days are rollups in which each status holds
    // until the site's next Upptime sample, the last until Upptime's newest commit (03-04 09:30).
    const store = await readStore(dir);
    expect(store.problems).toEqual([]);
    expect(store.samples).toEqual([]);
    expect(store.rollups.map(timeline)).toEqual([
      '2026-03-01 api 10:05:20-24:00:00 up',
      '2026-03-01 database 10:05:40-24:00:00 up',
      '2026-03-01 example-website 10:05:00-24:00:00 up',
      '2026-03-02 api 00:00:00-03:10:00 up, 03:10:00-03:40:00 down, 03:40:00-24:00:00 up',
      '2026-03-02 database 00:00:00-24:00:00 up',
      '2026-03-02 example-website 00:00:00-23:59:50 up, 23:59:50-24:00:00 degraded',
      '2026-03-03 api 00:00:00-24:00:00 up',
      '2026-03-03 database 00:00:00-00:00:30 up, 00:00:30-00:20:00 down, 00:20:00-24:00:00 up',
      '2026-03-03 example-website 00:00:00-24:00:00 degraded',
      '2026-03-04 api 00:00:00-09:30:00 up',
      '2026-03-04 database 00:00:00-09:30:00 up',
      '2026-03-04 example-website 00:00:00-09:30:00 degraded',
    ]);
    // Every imported sample is counted once, on its day, with its figures kept as the day's last.
    expect(store.rollups.reduce((n, r) => n + r.n.reduce((a, b) => a + b, 0), 0)).toBe(9);
    const apiDown = store.rollups.find((r) => r.d === '2026-03-02' && r.id === 'api');
    expect(apiDown).toMatchObject({ n: [1, 0, 1, 0], last: { t: '2026-03-02T03:40:00.000Z', s: 'up', ms: 130, e: null, code: 200 } });
    expect(store.rollups.find((r) => r.d === '2026-03-04' && r.id === 'example-website')?.last).toMatchObject({ t: '2026-03-04T09:30:00.000Z', s: 'up', ms: 280 });
    expect(await readdir(path.join(dir, 'data'))).toEqual(['rollups']);
    expect(result.rollupFiles).toEqual(['data/rollups/2026/2026-03.ndjson']);
    expect(result.dayFiles).toEqual([]);
    expect(result.notes).toContain(
      "Upptime committed a status when it changed (and about once a day): each imported status holds until the site's next one, as Upptime counted it, the last until Upptime's newest commit (2026-03-04T09:30:00.000Z); those whole days are stored as daily rollups in data/rollups/",
    );

    expect(await readdir(path.join(dir, 'incidents'))).toEqual(['upptime-1.md', 'upptime-2.md']);
    const one = parseIncident('incidents/upptime-1.md', await readFile(path.join(dir, 'incidents', 'upptime-1.md'), 'utf8'));
    expect(one.errors).toEqual([]);
    expect(one.incident).toMatchObject({
      title: 'Example API is down',
      impact: 'major',
      components: ['api'],
      startedAt: t('2026-03-02T03:10:05Z'),
      resolvedAt: t('2026-03-02T03:40:10Z'),
      updates: [
        { at: t('2026-03-02T03:10:05Z'), status: 'investigating', text: 'Example API is down (opened by Upptime)' },
        { at: t('2026-03-02T03:40:10Z'), status: 'resolved', text: 'Resolved (Upptime closed the issue).' },
      ],
    });
    expect(one.incident?.body).toContain('Imported from [Upptime issue #1](https://github.com/acme/status/issues/1).\n\nIn [`abc1234`]');
    const two = parseIncident('incidents/upptime-2.md', await readFile(path.join(dir, 'incidents', 'upptime-2.md'), 'utf8'));
    expect(two.incident).toMatchObject({ impact: 'minor', components: ['example-website'], resolvedAt: null });
    expect(result.counts).toEqual({ checks: 3, samples: 9, duplicates: 0, days: 4, incidents: 2 });
    expect(result.skipped.map((s) => s.message)).toEqual([
      'site "Example Website": tags not carried over (Cairn has no equivalent)',
      'site "Example Website": __dangerous__body_degraded not carried over (Cairn assertions make a check down, never degraded)',
      'site "Chat WS": check kind "ws" has no Cairn equivalent yet; site skipped',
      'status-website.logoUrl not carried over',
      'notifications not carried over',
      "1 maintenance issue (Cairn's maintenance windows come with another issue)",
      '1 issue that is not an Upptime incident (no "status" label, no "🛑 … is down" title)',
      expect.stringMatching(/^commit [0-9a-f]{7} "Fix history by hand": not an Upptime status message$/),
      '1 commit of "old-service", which is not a site of .upptimerc.yml',
    ]);
    expect(result.notes).toContain('site "Example Website": Upptime reported uptime 99.80%, response time 300 ms');
    expect(result.secrets).toEqual(['API_TOKEN']);
    expect(summaryLine(result.counts, result.skipped)).toBe(
      'Imported 3 checks, 9 samples over 4 days, 2 incidents; skipped: 1 site, 2 site options, 2 settings, 2 commits, 2 issues',
    );
  });

  it('is idempotent: a second import writes no sample twice and leaves identical files alone', async () => {
    const dir = await tmpDir();
    await importUpptime({ source: fixture.repo, dir, issuesFile: fixture.issues });
    const rollupFile = path.join(dir, 'data', 'rollups', '2026', '2026-03.ndjson');
    const before = await readFile(rollupFile, 'utf8');
    const again = await importUpptime({ source: fixture.repo, dir, issuesFile: fixture.issues });
    expect(again.counts).toMatchObject({ samples: 0, duplicates: 9, days: 0 });
    expect(again.files.map((f) => f.action)).toEqual(['kept', 'unchanged', 'unchanged', 'unchanged']);
    expect(await readFile(rollupFile, 'utf8')).toBe(before);
    expect((await readStore(dir)).problems).toEqual([]);
  });

  it('keeps as raw samples what falls on today or on the days the store already has raw samples of', async () => {
    const dir = await tmpDir();
    // Cairn already ran on 03-03: rollups may only come before that day.
    const cairnRun = { v: 1 as const, t: '2026-03-03T06:00:00.000Z', r: [{ id: 'api', s: 'up' as const, t: '2026-03-03T06:00:00.000Z', ms: 50, e: null }] };
    await appendRuns(dir, [cairnRun]);
    const result = await importUpptime({ source: fixture.repo, dir });
    const store = await readStore(dir);
    expect([...new Set(store.rollups.map((r) => r.d))]).toEqual(['2026-03-01', '2026-03-02']);
    expect(store.samples.sort((a, b) => a.at - b.at).map((s) => [s.id, s.status, s.at, s.responseTimeMs, s.statusCode, s.error])).toEqual([
      ['database', 'down', t('2026-03-03T00:00:30Z'), null, null, 'no response (imported from Upptime)'],
      ['database', 'up', t('2026-03-03T00:20:00Z'), 18, null, null],
      ['api', 'up', t('2026-03-03T06:00:00Z'), 50, null, null],
      ['example-website', 'up', t('2026-03-04T09:30:00Z'), 280, 200, null],
    ]);
    expect(result.counts).toMatchObject({ samples: 9, duplicates: 0, days: 4 });
    expect(result.notes).toContain("samples from 2026-03-03 on (where the store already has raw days) are stored as raw samples, like Cairn's own: each holds for at most the max gap");

    // Imported the day it happened: today's samples stay raw (Cairn's own runs will join them).
    const today = await tmpDir();
    const sameDay = await importUpptime({ source: fixture.repo, dir: today, now: t('2026-03-04T12:00:00Z') });
    expect(sameDay.dayFiles).toEqual(['data/2026-03-04.ndjson']);
    expect([...new Set((await readStore(today)).rollups.map((r) => r.d))]).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
  });

  it('never overwrites a user file without --force, and writes nothing when it refuses', async () => {
    const dir = await tmpDir();
    await importUpptime({ source: fixture.repo, dir });
    const edited = EXPECTED_CHECKS.replace('degraded: 3s', 'degraded: 2s');
    await writeFile(path.join(dir, 'checks', 'upptime.yaml'), edited);
    const err = await importUpptime({ source: fixture.repo, dir, issuesFile: fixture.issues }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as Error).message).toContain(path.join(dir, 'checks/upptime.yaml'));
    expect(await readFile(path.join(dir, 'checks', 'upptime.yaml'), 'utf8')).toBe(edited);
    expect(await readdir(dir)).not.toContain('incidents');

    const forced = await importUpptime({ source: fixture.repo, dir, force: true });
    expect(forced.files.find((f) => f.file === 'checks/upptime.yaml')?.action).toBe('overwrite');
    expect(await readFile(path.join(dir, 'checks', 'upptime.yaml'), 'utf8')).toBe(EXPECTED_CHECKS);
    // An existing settings file is the user's: kept even with --force.
    expect(forced.files.find((f) => f.file === 'cairn.yaml')?.action).toBe('kept');
  });

  it('keeps an existing cairn.yaml and refuses a result the loader rejects (duplicate id)', async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 'cairn.yaml'), 'site:\n  title: Mine\n');
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(dir, 'checks')));
    await writeFile(path.join(dir, 'checks', 'web.yaml'), 'checks:\n  - id: api\n    kind: http\n    url: https://x.example.com/\n');
    await expect(importUpptime({ source: fixture.repo, dir })).rejects.toThrow();
    expect(await readdir(path.join(dir, 'checks'))).toEqual(['web.yaml']);
    expect(await readdir(dir)).not.toContain('data');
  });

  it('--dry-run reports the same figures and writes nothing', async () => {
    const dir = await tmpDir();
    const result = await importUpptime({ source: fixture.repo, dir, issuesFile: fixture.issues, dryRun: true });
    expect(result.counts).toEqual({ checks: 3, samples: 9, duplicates: 0, days: 4, incidents: 2 });
    expect(summaryLine(result.counts, result.skipped, true)).toMatch(/^Dry run: would import 3 checks, 9 samples over 4 days, 2 incidents; skipped: /);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects a folder that is not an Upptime repository', async () => {
    const dir = await tmpDir();
    await expect(importUpptime({ source: dir, dir })).rejects.toThrow(/no \.upptimerc\.yml/);
  });
});

describe('imported history means what Upptime meant', () => {
  it('gives the uptime Upptime reported (within truncation) on the page and in reports, and months that meet their SLA', async () => {
    const repo = await buildLongUpptimeRepo();
    const dir = await tmpDir();
    const result = await importUpptime({ source: repo, dir });
    expect(result.notes).toContain('site "Shop": Upptime reported uptime 99.93%, response time 190 ms');
    const config = await loadConfig(dir, { missingEnv: 'keep', env: {} });
    const { samples, rollups, problems } = await readStore(dir);
    expect(problems).toEqual([]);

    // Over the whole history Upptime watched (startTime to its last commit): Upptime's figure,
    // 100 - 100 x 60 min / 59 days = 99.929...%, which it rounds to 99.93% and Cairn truncates to 99.92%.
    const whole = { label: 'upptime', from: Date.parse(LONG_START), to: Date.parse(LONG_END) };
    const [all, jan, feb] = computePeriods({ config, samples, rollups, now: Date.now(), periods: [whole, monthPeriod('2026-01'), monthPeriod('2026-02')] });
    const shop = (f: typeof all) => f?.components.find((c) => c.id === 'shop');
    const upptime = Number.parseFloat(upptimeUptime());
    expect(upptime).toBe(99.93);
    expect(shop(all)?.uptime).toMatchObject({ coverage: '100.00', percent: '99.92', downMs: 60 * 60_000, degradedMs: 30 * 60_000 });
    const exact = (shop(all)?.uptime.availability ?? 0) * 100;
    expect(Math.abs(exact - upptime)).toBeLessThan(0.01);

    // Each month: down 25 min of January (20 + the 5 before midnight), 35 of February; both meet 99.9%.
    expect(shop(jan)?.uptime).toMatchObject({ coverage: '100.00', percent: '99.94', downMs: 25 * 60_000 });
    expect(shop(jan)?.sla.met).toBe(true);
    expect(shop(feb)?.uptime).toMatchObject({ coverage: '100.00', percent: '99.91', downMs: 35 * 60_000 });
    expect(shop(feb)?.sla.met).toBe(true);

    // The report of January, as `cairn report` builds it, says so.
    const report = await buildReport(config, '2026-01', { prometheus: false });
    expect(report.md).toContain('1 of 1 components met their SLA');
    expect(report.md).toContain('No component missed its SLA.');
    expect(report.md).toContain('99.94');

    // The page (the model `cairn build` computes) on the day after: the same figures.
    const model = await buildModel(config, Date.parse('2026-03-02T00:00:00Z'));
    const page = model.components.find((c) => c.id === 'shop');
    expect(page?.uptime['90d']).toMatchObject({ percent: '99.92', downMs: 60 * 60_000 });
    expect(page?.monthly.find((m) => m.uptime.from.startsWith('2026-01'))?.uptime.percent).toBe('99.94');
  });
});
