/**
 * A realistic Upptime repository, built for the tests: a real git repository with
 * `.upptimerc.yml`, Upptime-style status commits to `history/<slug>.yml` on dates spread over
 * four days, `history/summary.json`, an `api/` badge, and an exported issue list.
 */
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
