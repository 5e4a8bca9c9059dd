/**
 * The monitor workflow, run as GitHub would run it: the `run:` steps of the generated
 * `.github/workflows/monitor.yml`, in order, through bash, in a clone of a bare repository that
 * acts as the remote. `npx cairn` and `npm ci` are shims onto this checkout of Cairn (the
 * `uses:` steps, checkout and setup-node, are what the clone and this Node already are).
 * Then the matrix variant: two shards running at once, both pushing.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { monitorWorkflow, scaffold } from '../src/init/scaffold.ts';
import { readStore } from '../src/store/store.ts';
import { shardOf } from '../src/store/shard.ts';
import { CAIRN_CLI, git, ROOT, startUpDownTarget } from './helpers.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}
interface Workflow {
  jobs: { monitor: { env?: Record<string, string>; strategy?: { matrix: Record<string, unknown[]> }; steps: Step[] } };
}

let target: Awaited<ReturnType<typeof startUpDownTarget>>;
let base: string;
beforeAll(async () => {
  target = await startUpDownTarget();
  base = target.base;
});
afterAll(() => target.close());


/** Check ids chosen so that both of two shards hold some. */
const IDS = ['home', 'api', 'docs', 'login', 'broken'];

async function remote(shards: number): Promise<{ root: string; bare: string; shims: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-wf-'));
  const bare = path.join(root, 'remote.git');
  const seed = path.join(root, 'seed');
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  for (const f of scaffold({ name: 'status', cairnSpec: `file:${ROOT}`, shards, regions: [] })) {
    await mkdir(path.dirname(path.join(seed, f.path)), { recursive: true });
    await writeFile(path.join(seed, f.path), f.content);
  }
  const checks = IDS.map((id) => `  - id: ${id}\n    kind: http\n    url: ${base}/${id === 'broken' ? 'down' : id}\n    retries: 0\n`).join('');
  await writeFile(path.join(seed, 'checks', 'example.yaml'), `checks:\n${checks}`);
  await writeFile(path.join(seed, 'cairn.yaml'), `${await readFile(path.join(seed, 'cairn.yaml'), 'utf8')}store:\n  git:\n    name: Status Bot\n    email: status-bot@example.com\n`);
  git(root, 'init', '-q', '-b', 'main', seed);
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(seed, 'remote', 'add', 'origin', bare);
  git(seed, 'push', '-q', '-u', 'origin', 'main');

  // `npx cairn …` runs this checkout's CLI, compiled as installed (test/test-cli.ts); `npm ci` has nothing to install.
  const shims = path.join(root, 'shims');
  await mkdir(shims);
  await writeFile(path.join(shims, 'npx'), `#!/usr/bin/env bash\nset -e\n[ "$1" = cairn ] || { echo "unexpected npx $*" >&2; exit 127; }\nshift\nexec "${process.execPath}" "${CAIRN_CLI}" "$@"\n`);
  await writeFile(path.join(shims, 'npm'), `#!/usr/bin/env bash\n[ "$1" = ci ] || { echo "unexpected npm $*" >&2; exit 127; }\necho "npm ci: nothing to do in the test"\n`);
  await chmod(path.join(shims, 'npx'), 0o755);
  await chmod(path.join(shims, 'npm'), 0o755);
  return { root, bare, shims };
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** `${{ matrix.x }}` and `${{ strategy.job-index }}` of one matrix job; anything else is an error. */
function expand(value: string, matrix: Record<string, unknown>): string {
  return value.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expr: string) => {
    const key = expr.startsWith('matrix.') ? expr.slice(7) : null;
    if (key === null || !(key in matrix)) throw new Error(`cannot expand \${{ ${expr} }}`);
    return String(matrix[key]);
  });
}

/** Runs the `run:` steps of the monitor job as the runner would; returns the commands run. */
async function runJob(wf: Workflow, dir: string, shims: string, matrix: Record<string, unknown>, jobIndex: number) {
  const job = wf.jobs.monitor;
  const githubEnv = path.join(dir, '..', `${path.basename(dir)}.github-env`);
  const summary = path.join(dir, '..', `${path.basename(dir)}.summary.md`);
  await writeFile(githubEnv, '');
  await writeFile(summary, '');
  const ran: string[] = [];
  const uses: string[] = [];
  let log = '';
  for (const step of job.steps) {
    if (step.uses) {
      uses.push(step.uses.replace(/@.*/, ''));
      continue;
    }
    if (step.if !== undefined) {
      expect(step.if).toBe('strategy.job-index == 0');
      if (jobIndex !== 0) continue;
    }
    const fromGithubEnv = Object.fromEntries(
      (await readFile(githubEnv, 'utf8'))
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${shims}:${process.env['PATH'] ?? ''}`,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'schedule',
      GITHUB_ENV: githubEnv,
      GITHUB_STEP_SUMMARY: summary,
      CAIRN_PUSH_JITTER_MS: '50',
      ...fromGithubEnv,
      ...Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [k, expand(String(v), matrix)])),
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), matrix)])),
    };
    const res = await bash(step.run as string, dir, env);
    log += `$ ${step.run}\n${res.output}`;
    expect(res.code, log).toBe(0);
    ran.push((step.run as string).trim());
  }
  return { ran, uses, log, summary: await readFile(summary, 'utf8'), githubEnv: await readFile(githubEnv, 'utf8') };
}

async function remoteSamples(root: string, bare: string) {
  const dir = path.join(root, `verify-${Math.random().toString(36).slice(2)}`);
  git(root, 'clone', '-q', `file://${bare}`, dir);
  const store = await readStore(dir);
  expect(store.problems).toEqual([]);
  return store.samples;
}

// Each test runs the workflow's steps (several real CLI runs, git, a build): 54 s measured at load 25.
describe('the monitor workflow against a bare remote', { timeout: 240_000 }, () => {
  it('runs its steps in order in one job: start time, install, SLO snapshot, run (check, commit, push, build), publish', async () => {
    const { root, bare, shims } = await remote(1);
    const dir = path.join(root, 'runner');
    git(root, 'clone', '-q', `file://${bare}`, dir);
    const wf = YAML.parse(await readFile(path.join(dir, '.github', 'workflows', 'monitor.yml'), 'utf8')) as Workflow;
    const job = await runJob(wf, dir, shims, {}, 0);
    expect(job.uses).toEqual(['actions/checkout', 'actions/setup-node', 'actions/configure-pages', 'actions/upload-pages-artifact', 'actions/deploy-pages']);
    expect(job.ran).toEqual([
      'echo "CAIRN_RUN_STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$GITHUB_ENV"',
      'npm ci --omit=dev --no-audit --no-fund',
      'npx cairn slo',
      'npx cairn run --build --out dist',
    ]);
    // What upload-pages-artifact publishes: the page built from the data this run pushed.
    const page = await readFile(path.join(dir, 'dist', 'index.html'), 'utf8');
    for (const id of IDS) expect(page).toContain(`data-component="${id}"`);
    expect((wf.jobs.monitor as { permissions?: unknown }).permissions).toEqual({ contents: 'write', pages: 'write', 'id-token': 'write' });
    expect(job.githubEnv).toMatch(/^CAIRN_RUN_STARTED_AT=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(job.log).toContain('No "prometheus:" endpoint in cairn.yaml: nothing to do.');
    expect(job.log).toContain('::error file=checks/example.yaml,line=');
    expect(job.log).toMatch(/Pushed to origin\/main/);
    expect(job.summary).toContain('| Check | Status | Response time | Error |');
    expect(job.summary).toMatch(/- Commit: `4 up, 1 down \[skip ci\]`; pushed to origin\/main/);
    expect(job.summary).toMatch(/- Scheduled run: started \d+ min \d+ s into its 5-minute slot/);
    const samples = await remoteSamples(root, bare);
    expect(new Set(samples.map((s) => s.id))).toEqual(new Set(IDS));
  });

  it('two shards of the matrix variant running at once both land on the remote', async () => {
    expect(new Set(IDS.map((id) => shardOf(id, 2)))).toEqual(new Set([1, 2]));
    const { root, bare, shims } = await remote(2);
    const wf = YAML.parse(monitorWorkflow(2, [])) as Workflow;
    expect(wf.jobs.monitor.strategy?.matrix).toEqual({ shard: [1, 2] });
    const jobs = await Promise.all(
      [1, 2].map(async (shard, index) => {
        const dir = path.join(root, `runner-${shard}`);
        git(root, 'clone', '-q', `file://${bare}`, dir);
        return runJob(wf, dir, shims, { shard }, index);
      }),
    );
    expect(jobs[0]?.ran).toContain('npx cairn slo');
    expect(jobs[1]?.ran).not.toContain('npx cairn slo');
    expect(jobs[0]?.ran).toContain('npx cairn run --shard "$SHARD"');
    for (const j of jobs) expect(j.log).toMatch(/Pushed to origin\/main/);
    const samples = await remoteSamples(root, bare);
    expect(new Set(samples.map((s) => s.id))).toEqual(new Set(IDS));
    const log = git(bare, 'log', '--format=%s', 'main').trim().split('\n');
    expect(log).toHaveLength(3);
    expect(log.filter((m) => /shard 1\/2 \[skip ci\]$/.test(m))).toHaveLength(1);
    expect(log.filter((m) => /shard 2\/2 \[skip ci\]$/.test(m))).toHaveLength(1);
  });
});
