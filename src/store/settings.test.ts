/** The `store:` section of cairn.yaml. */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigErrors } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import { gitIdentity } from './git.ts';

async function repo(settings: string, checks = 'checks:\n  - id: web\n    kind: tcp\n    host: 127.0.0.1\n    port: 9\n'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-settings-'));
  await mkdir(path.join(dir, 'checks'));
  await writeFile(path.join(dir, 'cairn.yaml'), settings);
  await writeFile(path.join(dir, 'checks', 'web.yaml'), checks);
  return dir;
}

describe('store settings', () => {
  it('defaults, values, and the environment override of the bot identity', async () => {
    const plain = await loadConfig(await repo('site:\n  title: T\n'));
    expect(plain.store).toEqual({ retentionMs: 90 * 86_400_000, git: { name: 'Cairn bot', email: 'cairn-bot@users.noreply.github.com', push: true, pushAttempts: 5 } });
    const set = await loadConfig(await repo('store:\n  retention: 30d\n  git:\n    name: Status\n    email: s@example.com\n    push: false\n    pushAttempts: 3\n'));
    expect(set.store).toEqual({ retentionMs: 30 * 86_400_000, git: { name: 'Status', email: 's@example.com', push: false, pushAttempts: 3 } });
    expect(gitIdentity(set.store.git, { CAIRN_GIT_NAME: 'Env' })).toEqual({ name: 'Env', email: 's@example.com' });
  });

  it('a retention under 8 days, or store: in a checks/ file, is an error naming file and line', async () => {
    const err = await loadConfig(await repo('store:\n  retention: 2d\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigErrors);
    expect((err as ConfigErrors).errors.map(String).join('\n')).toMatch(/cairn\.yaml:2:\d+: store\.retention: expected a retention of at least 8d/);
    const err2 = await loadConfig(await repo('site:\n  title: T\n', 'store:\n  retention: 30d\n')).catch((e: unknown) => e);
    expect((err2 as ConfigErrors).errors.map(String).join('\n')).toMatch(/checks\/web\.yaml:1:\d+: .*"store" only in cairn\.yaml/);
  });
});
