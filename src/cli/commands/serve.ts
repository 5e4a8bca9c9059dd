/**
 * `cairn serve`: live mode for people who self-host. Runs the checks on the configured schedule
 * in-process (the same round as `cairn check`: store, incidents, notifications), rebuilds the site
 * from the current data after every round, and serves it. No git: commit the data yourself if you
 * want the history in a repository.
 */
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sirv from 'sirv';
import { loadConfig } from '../../config/load.ts';
import { buildModel, buildSite } from '../../site/build.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { Command } from '../main.ts';
import { warnConfig } from '../output.ts';
import { runRound } from '../round.ts';

export const serve: Command = {
  summary: 'Live mode: run the checks on their schedule, rebuild the site after each round, and serve it',
  usage: 'cairn serve [--dir <status-repo>] [--port 4321] [--host 127.0.0.1] [--interval <duration>] [--rounds <n>]',
  async run(args, out) {
    const { values } = parse(args, {
      ...DIR_OPTION,
      port: { type: 'string' },
      host: { type: 'string' },
      interval: { type: 'string' },
      rounds: { type: 'string' },
    });
    const dir = statusDir(values.dir);
    const port = Number(values.port ?? 4321);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port expects a port number');
    const rounds = values.rounds === undefined ? Infinity : Number(values.rounds);
    if (!(rounds >= 1)) throw new UsageError('--rounds expects a whole number of at least 1');
    const config = await loadConfig(dir);
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    const { parseDuration } = await import('../../config/schema.ts');
    const intervalMs = values.interval === undefined ? config.run.intervalMs : parseDuration(values.interval);
    if (intervalMs === null || intervalMs < 1000) throw new UsageError('--interval expects a duration of at least 1s, such as "30s" or "5m"');

    const outDir = path.join(dir, 'dist');
    const rebuild = async () => {
      const started = performance.now();
      await buildSite(await buildModel(config), { outDir });
      out.info(`Site rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    };
    await rebuild();

    const handler = sirv(outDir, { dev: true, etag: true });
    const server = http.createServer((req, res) =>
      handler(req, res, () => {
        res.statusCode = 404;
        res.end('Not found');
      }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, values.host ?? '127.0.0.1', () => resolve());
    });
    const { port: actual } = server.address() as { port: number };
    out.info(`Serving ${outDir} at http://${values.host ?? '127.0.0.1'}:${actual}/ ; checks every ${Math.round(intervalMs / 1000)} s (Ctrl-C to stop)`);

    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      for (let i = 0; i < rounds && !stop.signal.aborted; i++) {
        const started = Date.now();
        try {
          await runRound(config, out, { write: true });
          await rebuild();
        } catch (err) {
          // A failed round or build is reported; the server keeps serving the last good site.
          out.error(`round failed: ${config.redactor.redact(err instanceof Error ? err.message : String(err))}`);
        }
        if (i + 1 < rounds) await sleep(Math.max(0, intervalMs - (Date.now() - started)), undefined, { signal: stop.signal }).catch(() => undefined);
      }
      if (rounds === Infinity) await new Promise<void>((r) => stop.signal.addEventListener('abort', () => r(), { once: true }));
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    return 0;
  },
};
