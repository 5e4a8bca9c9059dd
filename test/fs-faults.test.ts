/**
 * File-system faults at the edges: a file where `data/`, `data/state/` or `incidents/` should be
 * (this fails for root too, unlike chmod). Each ends in one sentence naming the path and what
 * could not be done, exit 1, no stack trace, and nothing else lost.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStore } from '../src/store/store.ts';
import { cairn, type CliResult, git, startUpDownTarget } from './helpers.ts';

let target: Awaited<ReturnType<typeof startUpDownTarget>>;
let base: string;
beforeAll(async () => {
  target = await startUpDownTarget();
  base = target.base;
});
afterAll(() => target.close());


/** A clone of a bare remote holding a status repo whose `api` check is down. */
async function statusRepo(): Promise<{ root: string; bare: string; dir: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-fs-'));
  const bare = path.join(root, 'remote.git');
  const seed = path.join(root, 'seed');
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  await mkdir(path.join(seed, 'checks'), { recursive: true });
  await writeFile(path.join(seed, 'cairn.yaml'), 'site:\n  title: Test\n');
  await writeFile(path.join(seed, 'checks', 'web.yaml'), `checks:\n  - id: home\n    kind: http\n    url: ${base}/\n  - id: api\n    kind: http\n    url: ${base}/down\n    retries: 0\n`);
  git(root, 'init', '-q', '-b', 'main', seed);
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(seed, 'remote', 'add', 'origin', bare);
  git(seed, 'push', '-q', '-u', 'origin', 'main');
  const dir = path.join(root, 'clone');
  git(root, 'clone', '-q', `file://${bare}`, dir);
  return { root, bare, dir };
}

async function remoteSamples(root: string, bare: string) {
  const dir = path.join(root, `check-${Math.random().toString(36).slice(2)}`);
  git(root, 'clone', '-q', `file://${bare}`, dir);
  return (await readStore(dir)).samples;
}

function expectOneSentence(res: CliResult, pattern: RegExp): void {
  expect(res.code).toBe(1);
  expect(res.stderr).not.toContain('internal error');
  expect(res.stderr).not.toMatch(/\n\s+at /);
  const errors = res.stderr.split('\n').filter((l) => l.startsWith('error: '));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
}

describe('file-system faults end in one sentence', { timeout: 180_000 }, () => {
  it('data/ is a file: `cairn check` says it could not append to the day file there, and still reports every result', async () => {
    const { dir } = await statusRepo();
    await writeFile(path.join(dir, 'data'), 'not a folder\n');
    const res = await cairn(['check', '--dir', dir, '--json']);
    const data = path.join(dir, 'data');
    expectOneSentence(res, new RegExp(`^error: could not append to ${data}/\\d{4}-\\d{2}-\\d{2}\\.ndjson: ${data} is a file, not a folder \\(ENOTDIR\\)$`));
    const rows = JSON.parse(res.stdout) as { id: string; status: string }[];
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['home', 'up'],
      ['api', 'down'],
    ]);
    expect(res.stderr).toMatch(/Done: 1 up, 1 down; 1 thing could not be done \(above\)\./);
  });

  it('data/ is a file: `cairn run` stops before committing, with one sentence', async () => {
    const { dir } = await statusRepo();
    await writeFile(path.join(dir, 'data'), 'not a folder\n');
    const res = await cairn(['run', '--dir', dir]);
    expectOneSentence(res, /could not append to .*\.ndjson: .*data is a file, not a folder \(ENOTDIR\)/);
    expect(res.stderr).not.toContain('Committed');
  });

  it('data/state is a file: the incident state cannot be read, yet the samples are committed and pushed', async () => {
    const { root, bare, dir } = await statusRepo();
    await mkdir(path.join(dir, 'data'));
    await writeFile(path.join(dir, 'data', 'state'), 'not a folder\n');
    const res = await cairn(['run', '--dir', dir], { env: { CAIRN_PUSH_JITTER_MS: '50' } });
    const state = path.join(dir, 'data', 'state');
    expectOneSentence(res, new RegExp(`could not read ${state}/incidents\\.json: ${state} is a file, not a folder \\(ENOTDIR\\)`));
    expect(res.stderr).toContain('Pushed to origin/main');
    expect((await remoteSamples(root, bare)).map((s) => [s.id, s.status]).sort()).toEqual([
      ['api', 'down'],
      ['home', 'up'],
    ]);
  });

  it('incidents/ is a file: the incident cannot be opened, yet the samples are committed and pushed', async () => {
    const { root, bare, dir } = await statusRepo();
    await writeFile(path.join(dir, 'incidents'), 'not a folder\n');
    const res = await cairn(['run', '--dir', dir], { env: { CAIRN_PUSH_JITTER_MS: '50' } });
    const incidents = path.join(dir, 'incidents');
    expectOneSentence(res, new RegExp(`could not write ${incidents}/\\d{4}-\\d{2}-\\d{2}-api\\.md: ${incidents} is a file, not a folder`));
    expect(res.stderr).toContain('Pushed to origin/main');
    expect(await remoteSamples(root, bare)).toHaveLength(2);
    await rm(path.join(root), { recursive: true, force: true });
  });
});
