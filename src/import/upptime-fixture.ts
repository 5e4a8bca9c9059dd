/**
 * A realistic Upptime repository, built for the tests: a real git repository with
 * `.upptimerc.yml`, Upptime-style status commits to `history/<slug>.yml` on dates spread over
 * four days, `history/summary.json`, an `api/` badge, and an exported issue list.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';

export const RC = `# Upptime configuration
owner: acme
repo: status
sites:
  - name: Example Website
    url: https://www.example.com
    expectedStatusCodes:
      - 200
      - 301
    maxResponseTime: 3000
    tags: [web]
    __dangerous__body_degraded: maintenance
  - name: Example API
    slug: api
    url: https://api.example.com/health
    method: POST
    headers:
      - "Authorization: Bearer $API_TOKEN"
      - "Accept: application/json"
    assignees: [alice]
  - name: Database
    check: tcp-ping
    url: db.example.com
    port: 5432
  - name: Chat WS
    check: ws
    url: wss://chat.example.com
notifications:
  - type: slack
status-website:
  name: Acme Status
  cname: status.acme.com
  logoUrl: https://acme.com/logo.png
  introMessage: Live status of Acme's services
`;

/** [ISO time, history file slug, commit subject, extra files]. */
export const COMMITS: [string, string | null, string, string[]?][] = [
  ['2026-03-01T10:05:00Z', 'example-website', '🟩 Example Website is up (200 in 321 ms) [skip ci] [upptime]'],
  ['2026-03-01T10:05:20Z', 'api', '🟩 Example API is up (200 in 120 ms) [skip ci] [upptime]'],
  ['2026-03-01T10:05:40Z', 'database', '🟩 Database is up (200 in 15 ms) [skip ci] [upptime]'],
  ['2026-03-02T03:10:00Z', 'api', '🟥 Example API is down (500 in 450 ms) [skip ci] [upptime]'],
  ['2026-03-02T03:40:00Z', 'api', '🟩 Example API is up (200 in 130 ms) [skip ci] [upptime]'],
  ['2026-03-02T23:59:50Z', 'example-website', '🟨 Example Website has degraded performance (200 in 3012 ms) [skip ci] [upptime]'],
  ['2026-03-03T00:00:30Z', 'database', '🟥 Database is down (0 in 0 ms) [skip ci] [upptime]'],
  ['2026-03-03T00:20:00Z', 'database', '🟩 Database is up (200 in 18 ms) [skip ci] [upptime]'],
  ['2026-03-03T12:00:00Z', null, '🗃️ Update summary in README [skip ci] [upptime]', ['history/summary.json', 'README.md']],
  ['2026-03-03T12:01:00Z', 'example-website', 'Fix history by hand'],
  ['2026-03-04T08:00:00Z', 'old-service', '🟥 Old Service is down (500 in 100 ms) [skip ci] [upptime]'],
  ['2026-03-04T09:00:00Z', 'chat-ws', '🟩 Chat WS is up (200 in 0 ms) [skip ci] [upptime]'],
  ['2026-03-04T09:30:00Z', 'example-website', '🟩 Example Website is up (200 in 280 ms) [skip ci] [upptime]'],
];

const URLS: Record<string, string> = {
  'example-website': 'https://www.example.com',
  api: 'https://api.example.com/health',
  database: 'db.example.com',
  'old-service': 'https://old.example.com',
  'chat-ws': 'wss://chat.example.com',
};

export const SUMMARY = [
  { name: 'Example Website', url: 'https://www.example.com', slug: 'example-website', status: 'up', uptime: '99.80%', time: 300, dailyMinutesDown: { '2026-03-02': 3 } },
  { name: 'Example API', url: 'https://api.example.com/health', slug: 'api', status: 'up', uptime: '97.92%', time: 125, dailyMinutesDown: { '2026-03-02': 30 } },
  { name: 'Database', url: 'db.example.com', slug: 'database', status: 'up', uptime: '98.61%', time: 17, dailyMinutesDown: { '2026-03-03': 20 } },
];

export const ISSUES = [
  {
    number: 1,
    title: '🛑 Example API is down',
    body: 'In [`abc1234`](https://github.com/acme/status/commit/abc1234), Example API (https://api.example.com/health) was **down**:\n- HTTP code: 500\n- Response time: 450 ms\n',
    labels: [{ id: 'L1', name: 'status', description: '', color: 'ededed' }, { id: 'L2', name: 'api', description: '', color: 'ededed' }],
    createdAt: '2026-03-02T03:10:05Z',
    closedAt: '2026-03-02T03:40:10Z',
    state: 'CLOSED',
    url: 'https://github.com/acme/status/issues/1',
  },
  {
    number: 2,
    title: '⚠️ Example Website has degraded performance',
    body: 'Slow responses.',
    labels: [{ id: 'L1', name: 'status', description: '', color: 'ededed' }, { id: 'L3', name: 'example-website', description: '', color: 'ededed' }],
    createdAt: '2026-03-03T00:00:00Z',
    closedAt: null,
    state: 'OPEN',
    url: 'https://github.com/acme/status/issues/2',
  },
  { number: 3, title: 'Add dark mode', body: '', labels: [{ name: 'enhancement' }], createdAt: '2026-03-01T00:00:00Z', closedAt: null, state: 'OPEN', url: 'https://github.com/acme/status/issues/3' },
  { number: 4, title: 'Database upgrade', body: '<!--\nstart: 2026-03-05T00:00:00Z\nend: 2026-03-05T01:00:00Z\n-->', labels: [{ name: 'maintenance' }], createdAt: '2026-03-04T00:00:00Z', closedAt: null, state: 'OPEN', url: 'https://github.com/acme/status/issues/4' },
];

function historyYml(slug: string, subject: string, at: string): string {
  const m = /is (up|down|degraded)|has (degraded)/.exec(subject);
  const status = m?.[1] ?? m?.[2] ?? 'up';
  const nums = /\((\d+) in (\d+) ms\)/.exec(subject);
  return `url: ${URLS[slug] ?? 'https://example.com'}
status: ${status}
code: ${nums?.[1] ?? 200}
responseTime: ${nums?.[2] ?? 0}
lastUpdated: ${new Date(at).toISOString()}
startTime: 2026-03-01T10:05:00.000Z
generator: Upptime <https://github.com/upptime/upptime>
`;
}

/** Builds the Upptime repository and an issues.json next to it; returns their paths. */
export async function buildUpptimeRepo(): Promise<{ repo: string; issues: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-upptime-'));
  const repo = path.join(root, 'upptime');
  await mkdir(path.join(repo, 'history'), { recursive: true });
  const git = simpleGit(repo, {
    config: ['user.name=Upptime Bot', 'user.email=bot@upptime.js.org', 'commit.gpgsign=false'],
    allowEnvironment: ['GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE'],
  });
  await git.init();
  const commitAt = async (at: string, message: string, files: string[]) => {
    await git.add(files);
    // Dates only (identities come from the config option); a minimal environment, as simple-git
    // refuses variables such as EDITOR.
    const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? os.tmpdir(), GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at };
    await git.env(env).commit(message, files);
  };
  await writeFile(path.join(repo, '.upptimerc.yml'), RC);
  await commitAt('2026-03-01T10:00:00Z', 'Initial commit', ['.upptimerc.yml']);
  for (const [at, slug, subject, extra = []] of COMMITS) {
    const files = [...extra];
    if (slug) {
      await writeFile(path.join(repo, 'history', `${slug}.yml`), historyYml(slug, subject, at) + (subject === 'Fix history by hand' ? '# edited\n' : ''));
      files.push(`history/${slug}.yml`);
    }
    for (const f of extra) {
      await mkdir(path.dirname(path.join(repo, f)), { recursive: true });
      await writeFile(path.join(repo, f), f.endsWith('.json') ? `${JSON.stringify(SUMMARY, null, 2)}\n` : `# Acme Status\n${at}\n`);
    }
    await commitAt(at, subject, files);
  }
  await mkdir(path.join(repo, 'api', 'example-website'), { recursive: true });
  await writeFile(path.join(repo, 'api', 'example-website', 'response-time.json'), JSON.stringify({ schemaVersion: 1, label: 'response time', message: '300 ms', color: 'green' }));
  const issues = path.join(root, 'issues.json');
  await writeFile(issues, JSON.stringify(ISSUES, null, 2));
  return { repo, issues };
}

// ---------------------------------------------------------------------------------------------
// Two months of one site, as a real Upptime repository records them: a commit on every status
// change, a daily response-time commit (January only: the workflow was turned off in February,
// as happens), a daily summary commit, and Upptime's own uptime figure in history/summary.json.

export const LONG_START = '2026-01-01T00:00:00Z';
/** Upptime's last commit: the summary of 2026-03-01, 00:00. */
export const LONG_END = '2026-03-01T00:00:00Z';

/** The site's outages [start, end): 20 + 15 (across the month boundary) + 25 = 60 minutes. */
export const LONG_OUTAGES: [string, string][] = [
  ['2026-01-10T03:00:00Z', '2026-01-10T03:20:00Z'],
  ['2026-01-31T23:55:00Z', '2026-02-01T00:10:00Z'],
  ['2026-02-12T14:00:00Z', '2026-02-12T14:25:00Z'],
];
/** Slow for half an hour: degraded, which Upptime does not count as downtime (nor does Cairn, by default). */
export const LONG_DEGRADED: [string, string] = ['2026-02-20T10:00:00Z', '2026-02-20T10:30:00Z'];

/** Upptime's summary uptime, computed its way: 100 - 100 x downtime / time since startTime, 2 decimals. */
export function upptimeUptime(): string {
  const down = LONG_OUTAGES.reduce((ms, [a, b]) => ms + Date.parse(b) - Date.parse(a), 0);
  const total = Date.parse(LONG_END) - Date.parse(LONG_START);
  return `${(100 - (100 * down) / total).toFixed(2)}%`;
}

const LONG_RC = `owner: acme
repo: status
sites:
  - name: Shop
    url: https://shop.example.com
`;

/** Builds the two-month Upptime repository (with `git fast-import`: one process, not 90); returns its path. */
export async function buildLongUpptimeRepo(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-upptime-long-'));
  const repo = path.join(root, 'upptime');
  await mkdir(repo, { recursive: true });
  const DAY = 86_400_000;
  const events: [number, 'status' | 'summary', string][] = [];
  const status = (at: number, word: 'up' | 'down' | 'degraded', code: number, ms: number) => {
    const subject =
      word === 'up'
        ? `🟩 Shop is up (${code} in ${ms} ms) [skip ci] [upptime]`
        : word === 'down'
          ? `🟥 Shop is down (${code} in ${ms} ms) [skip ci] [upptime]`
          : `🟨 Shop has degraded performance (${code} in ${ms} ms) [skip ci] [upptime]`;
    events.push([at, 'status', subject]);
  };
  const start = Date.parse(LONG_START);
  const end = Date.parse(LONG_END);
  status(start, 'up', 200, 180);
  for (const [a, b] of LONG_OUTAGES) {
    status(Date.parse(a), 'down', 503, 95);
    status(Date.parse(b), 'up', 200, 210);
  }
  status(Date.parse(LONG_DEGRADED[0]), 'degraded', 200, 4200);
  status(Date.parse(LONG_DEGRADED[1]), 'up', 200, 190);
  for (let t = start + DAY - 3_600_000; t < Date.parse('2026-02-01T00:00:00Z'); t += DAY) status(t, 'up', 200, 175); // daily at 23:00
  for (let t = start + DAY / 2; t < end; t += DAY) events.push([t, 'summary', '🗃️ Update summary in README [skip ci] [upptime]']);
  events.push([end, 'summary', '🗃️ Update summary in README [skip ci] [upptime]']);
  events.sort((a, b) => a[0] - b[0]);

  const summary = (at: string) => `${JSON.stringify([{ name: 'Shop', url: 'https://shop.example.com', slug: 'shop', status: 'up', uptime: upptimeUptime(), time: 190, generatedAt: at }], null, 2)}\n`;
  const blob = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commit = (at: number, message: string, file: string, content: string) => {
    const who = `Upptime Bot <bot@upptime.js.org> ${Math.floor(at / 1000)} +0000`;
    return `commit refs/heads/main\nauthor ${who}\ncommitter ${who}\n${blob(message)}M 100644 inline ${file}\n${blob(content)}\n`;
  };
  let stream = commit(start, 'Initial commit', '.upptimerc.yml', LONG_RC);
  for (const [at, kind, subject] of events) {
    const iso = new Date(at).toISOString();
    stream += kind === 'summary' ? commit(at, subject, 'history/summary.json', summary(iso)) : commit(at, subject, 'history/shop.yml', `url: https://shop.example.com\nstatus: up\nlastUpdated: ${iso}\n`);
  }
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: repo, input, stdio: ['pipe', 'ignore', 'pipe'] });
  git(['init', '-q', '-b', 'main']);
  git(['fast-import', '--quiet'], stream);
  git(['reset', '-q', '--hard', 'main']);
  return repo;
}
