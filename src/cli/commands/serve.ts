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
import { LiveModel } from '../../site/live-model.ts';
import { serveSite } from '../../site/render.ts';
import { basePath } from '../../site/data.ts';
import { cachedPageModel } from '../../model/page.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';

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

    // The model: the cached one at once when there is one, then computed from the files in a
    // child process (src/site/live-model.ts); requests that arrive before any model wait for it.
    // A server that runs rounds keeps the store's columns the child read (sent to this process):
    // the model after a round reads again only the day files the round changed.
    const live = new LiveModel({ dir: config.dir, keep: rounds > 0 });
    const failed = (err: unknown) => out.error(`the status data could not be read: ${config.redactor.redact(err instanceof Error ? err.message : String(err))}`);
    const compute = () =>
      live.refresh().then(
        ({ ms }) => out.info(`Model computed in ${(ms / 1000).toFixed(1)} s.`),
        (err: unknown) => {
          if (!stop.signal.aborted) failed(err);
        },
      );
    // The default page at the path of site.baseUrl, every other page under it at /<id>/ (src/config/resolve-pages.ts).
    const mainBase = basePath(config.site.baseUrl);
    const pages = config.pages.map((p) => ({ id: p.id, mount: p.main ? mainBase : `${mainBase}${p.id}/`, view: (m: StatusModel) => cachedPageModel(m, p) }));
    // The cache is read while the pages are loaded; without one, the model is computed at once.
    const serving = serveSite(() => live.current(), { port, host: values.host ?? '127.0.0.1', baseUrl: config.site.baseUrl, pages });
    serving.catch(() => undefined); // awaited below
    const cached = await live.loadCache();
    let initial = cached ? null : compute();
    const server = await serving;
    out.info(`Serving the status page at ${server.url} ; checks every ${Math.round(intervalMs / 1000)} s (Ctrl-C to stop)`);
    const origin = new URL(server.url).origin;
    for (const p of pages.slice(1)) out.info(`Serving page "${p.id}" at ${origin}${p.mount}`);
    if (cached) out.info(`Serving the model of ${cached.generatedAt} (cached${cached.current ? '' : '; the data changed since'}) until the current one is computed.`);
    // The current model, computed from the committed data (a round's refresh folds into it).
    initial ??= compute();
    // Only a server that runs rounds loads the checks engine and the notification channels.
    const runRound = rounds > 0 ? (await import('../round.ts')).runRound : null;

    // The round in progress (its checks and writes): what a stop signal gives a short grace.
    let round: Promise<boolean> = Promise.resolve(true);
    try {
      for (let i = 0; i < rounds && !stop.signal.aborted; i++) {
        const started = Date.now();
        const n = i + 1;
        round = runRound!(config, out, { write: true }).then(
          () => true,
          (err: unknown) => {
            // A failed round is reported; the page keeps showing the last good model.
            out.error(`round failed: ${config.redactor.redact(err instanceof Error ? err.message : String(err))}`);
            return false;
          },
        );
        const stored = await Promise.race([round, aborted(stop.signal).then(() => false)]);
        // The round's results are in the store: the page shows them before the next round starts.
        if (stored) {
          const refreshed = live.refresh().then(
            ({ ms, reread, where }) =>
              out.info(`Page updated after round ${n} (model computed in ${(ms / 1000).toFixed(1)} s${reread === null ? '' : `, ${reread} day file${reread === 1 ? '' : 's'} read`}${where === 'child process' ? ', from the whole store' : ''}).`),
            (err: unknown) => {
              if (!stop.signal.aborted) failed(err);
            },
          );
          await Promise.race([refreshed, aborted(stop.signal)]);
        }
        if (i + 1 < rounds) await sleep(Math.max(0, intervalMs - (Date.now() - started)), undefined, { signal: stop.signal }).catch(() => undefined);
      }
      if (rounds === Infinity || rounds === 0) await aborted(stop.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await server.close();
      // Let a round in progress finish its writes (they are atomic), but never hold the exit long.
      await Promise.race([round, sleep(STOP_GRACE_MS, undefined, { ref: false })]);
      // A model being computed is dropped: the cache it would write is written atomically or not at all.
      await live.close();
      await initial;
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
