/**
 * `cairn init [dir]`: scaffolds a status repo (example checks, site settings, incidents folder,
 * .gitignore, package.json, JSON Schema, GitHub Actions workflows). Idempotent: a file that
 * already exists is left exactly as it is, whoever wrote it; a second run changes nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CAIRN_SPEC, repoName, scaffold } from '../../init/scaffold.ts';
import { isRegion } from '../../store/region.ts';
import { parse } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { Command } from '../command.ts';

export const init: Command = {
  summary: 'Scaffold a status repo: example checks, settings, workflows (never overwrites a file)',
  usage: 'cairn init [dir] [--cairn <npm spec of cairn-status, default ^<this version>>] [--shards n] [--regions eu,us]',
  async run(args, out) {
    const { values, positionals } = parse(
      args,
      { dir: { type: 'string' }, cairn: { type: 'string' }, shards: { type: 'string' }, regions: { type: 'string' } },
      true,
    );
    if (positionals.length > 1) throw new UsageError(`expected at most one folder, got ${positionals.length}`);
    const dir = path.resolve(positionals[0] ?? values.dir ?? process.cwd());
    const shards = values.shards === undefined ? 1 : Number(values.shards);
    if (!Number.isInteger(shards) || shards < 1 || shards > 256) throw new UsageError(`--shards: expected a whole number from 1 to 256, got "${values.shards}"`);
    const regions = (values.regions ?? '').split(',').map((r) => r.trim()).filter(Boolean);
    const bad = regions.find((r) => !isRegion(r));
    if (bad !== undefined) throw new UsageError(`--regions: "${bad}" is not a region name (letters, digits, ".", "_", "-")`);
    const cairnSpec = values.cairn ?? DEFAULT_CAIRN_SPEC;

    const created: string[] = [];
    const kept: string[] = [];
    for (const file of scaffold({ name: repoName(dir), cairnSpec, shards, regions })) {
      const target = path.join(dir, ...file.path.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      try {
        await writeFile(target, file.content, { flag: 'wx' });
        created.push(file.path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        kept.push(file.path);
      }
    }
    for (const f of created) out.info(`created  ${f}`);
    for (const f of kept) out.info(`exists   ${f} (left as it is)`);
    out.info(created.length === 0 ? 'Nothing to do: every file exists.' : `Created ${created.length} file${created.length === 1 ? '' : 's'} in ${dir}.`);
    if (created.length > 0) {
      out.info(
        [
          '',
          'Next:',
          '  1. edit checks/example.yaml (the checks are examples) and site.baseUrl in cairn.yaml',
          '  2. npm install            # writes package-lock.json: commit it, the workflow runs `npm ci`',
          '  3. npx cairn validate && npx cairn check',
          '  4. push to GitHub; Settings → Pages → Source: GitHub Actions (the monitor workflow publishes the page)',
          '  Take a newer Cairn later with `npm install cairn-status@latest` and commit package.json and package-lock.json.',
        ].join('\n'),
      );
    }
    return 0;
  },
};
