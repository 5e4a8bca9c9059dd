/**
 * `cairn serve`: live mode for people who self-host. Serves the status site at once, rendering
 * each page on request from the current status model, and runs the checks on the configured
 * schedule in-process (the same round as `cairn check`: store, incidents, notifications); a
 * finished round replaces the model, so the next request shows it. No git: commit the data
 * yourself if you want the history in a repository.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../config/load.ts';
import type { StatusModel } from '../../model/model.ts';
import { buildModel } from '../../site/build.ts';
import { serveSite } from '../../site/render.ts';
import { basePath } from '../../site/data.ts';
import { cachedPageModel } from '../../model/page.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';
import { runRound } from '../round.ts';

/** After a stop signal, a round in progress gets this long to write what it has. */
const STOP_GRACE_MS = 5_000;

export const serve: Command = {
  summary: 'Live mode: serve the site (rendered on request) and run the checks on their schedule',
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
    if (!(rounds >= 0)) throw new UsageError('--rounds expects a whole number (0: serve the committed data, run no checks)');
    const config = await loadConfig(dir);
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    const { parseDuration } = await import('../../config/schema.ts');
    const intervalMs = values.interval === undefined ? config.run.intervalMs : parseDuration(values.interval);
    if (intervalMs === null || intervalMs < 1000) throw new UsageError('--interval expects a duration of at least 1s, such as "30s" or "5m"');

    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    // The first model comes from the committed data; requests that arrive before it wait for it.
    let model: Promise<StatusModel> = buildModel(config);
    model.catch((err: unknown) => out.error(`the status data could not be read: ${config.redactor.redact(err instanceof Error ? err.message : String(err))}`));
    // The default page at the path of site.baseUrl, every other page under it at /<id>/ (src/config/resolve-pages.ts).
    const mainBase = basePath(config.site.baseUrl);
    const pages = config.pages.map((p) => ({ id: p.id, mount: p.main ? mainBase : `${mainBase}${p.id}/`, view: (m: StatusModel) => cachedPageModel(m, p) }));
    const live = await serveSite(() => model, { port, host: values.host ?? '127.0.0.1', baseUrl: config.site.baseUrl, pages });
    out.info(`Serving the status page at ${live.url} ; checks every ${Math.round(intervalMs / 1000)} s (Ctrl-C to stop)`);
    const origin = new URL(live.url).origin;
    for (const p of pages.slice(1)) out.info(`Serving page "${p.id}" at ${origin}${p.mount}`);

    let round: Promise<void> = Promise.resolve();
    try {
      for (let i = 0; i < rounds && !stop.signal.aborted; i++) {
        const started = Date.now();
        const n = i + 1;
        round = (async () => {
          try {
            await runRound(config, out, { write: true });
            const next = await buildModel(config);
            model = Promise.resolve(next);
            out.info(`Page updated after round ${n}.`);
          } catch (err) {
            // A failed round is reported; the page keeps showing the last good model.
            out.error(`round failed: ${config.redactor.redact(err instanceof Error ? err.message : String(err))}`);
          }
        })();
        await Promise.race([round, aborted(stop.signal)]);
        if (i + 1 < rounds) await sleep(Math.max(0, intervalMs - (Date.now() - started)), undefined, { signal: stop.signal }).catch(() => undefined);
      }
      if (rounds === Infinity || rounds === 0) await aborted(stop.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await live.close();
      // Let a round in progress finish its writes (they are atomic), but never hold the exit long.
      await Promise.race([round, sleep(STOP_GRACE_MS, undefined, { ref: false })]);
    }
    out.info('Stopped.');
    return 0;
  },
};

/** Resolves when the signal is aborted, also when it already is. */
function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
