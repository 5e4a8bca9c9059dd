import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sirv from 'sirv';
import { simpleGit } from 'simple-git';
import { loadConfig } from '../../config/load.ts';
import { assertDemoDirUsable, writeDemoRepo } from '../../demo/repo.ts';
import { seedDemoHistory } from '../../demo/seed.ts';
import { startDemoTargets } from '../../demo/targets.ts';
import { buildModel, buildPages, pageTargets } from '../../site/build.ts';
import { UsageError } from '../errors.ts';
import { parse } from '../args.ts';
import type { Command } from '../command.ts';
import type { Output } from '../output.ts';
import { countByStatus, runRound } from '../round.ts';

const BOT = { name: 'cairn-bot', email: 'cairn-bot@users.noreply.github.com' };

async function commitAll(dir: string, message: string): Promise<void> {
  const git = simpleGit(dir, { config: [`user.name=${BOT.name}`, `user.email=${BOT.email}`] });
  // The demo folder is its own repository, even when it sits inside another one.
  if (!existsSync(path.join(dir, '.git'))) await git.init();
  await git.add('.');
  const status = await git.status();
  if (status.isClean()) return;
  await git.commit(message);
}

function serve(dir: string, port: number, out: Output): Promise<http.Server> {
  const handler = sirv(dir, { dev: true, etag: true });
  const server = http.createServer((req, res) => handler(req, res, () => {
    res.statusCode = 404;
    res.end('Not found');
  }));
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`cannot serve on 127.0.0.1:${port}: ${(err as Error).message}`)));
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as { port: number };
      out.info(`\nThe demo status page is at http://127.0.0.1:${actual}/ , the platform team's page at http://127.0.0.1:${actual}/platform/  (Ctrl-C to stop)`);
      resolve(server);
    });
  });
}

export const demo: Command = {
  summary: 'Run the main job on the embedded demo: local targets, several rounds of checks, a built site',
  usage: 'cairn demo [--out <folder>] [--rounds <n>] [--no-serve] [--port <n>]',
  async run(args, out) {
    const { values } = parse(args, {
      out: { type: 'string' },
      rounds: { type: 'string' },
      'no-serve': { type: 'boolean' },
      port: { type: 'string' },
    });
    const dir = path.resolve(values.out ?? 'demo');
    const rounds = Number(values.rounds ?? 4);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new UsageError('--rounds expects a whole number from 1 to 100');
    const port = Number(values.port ?? 4321);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port expects a port number');
    await assertDemoDirUsable(dir).catch((err: Error) => {
      throw new UsageError(err.message);
    });

    const targets = await startDemoTargets();
    let keepTargets = false;
    try {
      out.info(`Demo targets listening on 127.0.0.1; writing the demo status repo to ${dir}`);
      const now = Date.now();
      await writeDemoRepo(dir, targets, now, { baseUrl: port > 0 ? `http://127.0.0.1:${port}/` : null });
      const config = await loadConfig(dir);
      out.protect(config.redactor);
      const seeded = await seedDemoHistory(config, { now });
      const since = new Date(seeded.story.from).toISOString().slice(0, 10);
      out.info(`Simulated the history since ${since}: ${seeded.rounds} rounds, ${seeded.incidents.length} incidents, the report of ${seeded.reports.join(', ')}`);
      await commitAll(dir, `Simulated history since ${since} [skip ci]`);
      for (let i = 1; i <= rounds; i++) {
        out.info(`\nRound ${i} of ${rounds}`);
        const { results } = await runRound(config, out, { write: true });
        await commitAll(dir, `${countByStatus(results)} [skip ci]`);
        if (i < rounds) await sleep(1000);
      }
      out.info('\nBuilding the site…');
      const model = await buildModel(config);
      const outDir = path.join(dir, 'dist');
      const { built, failed } = await buildPages(model, pageTargets(config, { out: outDir }));
      if (failed.length > 0) throw failed[0]!.error;
      for (const b of built) out.info(b.page.main ? `Site built: ${path.join(b.outDir, 'index.html')}` : `Page "${b.page.id}" built: ${path.join(b.outDir, 'index.html')}`);
      if (values['no-serve']) return 0;
      const server = await serve(outDir, port, out);
      keepTargets = true;
      await new Promise<void>((resolve) => {
        const stop = () => {
          server.close();
          void targets.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    } finally {
      if (!keepTargets) await targets.close();
    }
  },
};
