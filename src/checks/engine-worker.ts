/**
 * The entry of a check worker thread (engine-workers.ts): runs the engine's core on the checks it
 * is given, sends each result as it is final, then the skipped ones, and ends.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { runRoundCore } from './engine.ts';
import type { WorkerJob, WorkerMessage } from './engine-workers.ts';

const job = workerData as WorkerJob;
const port = parentPort;
if (port === null) throw new Error('engine-worker.ts runs as a worker thread only');
const send = (m: WorkerMessage) => port.postMessage(m);
let sent = 0;

const round = await runRoundCore(
  job.checks,
  job.settings,
  { stopAt: job.stopAtAbsolute - performance.timeOrigin, ...(job.dir === undefined ? {} : { dir: job.dir }) },
  {
    hostBounds: new Map(job.hostBounds),
    onIndexed: (index, result) => {
      send({ type: 'result', index, result });
      sent += 1;
      if (job.exitAfter !== undefined && sent >= job.exitAfter) process.exit(70);
    },
  },
);
send({ type: 'done', skipped: round.skipped.flatMap((s, i): [number, NonNullable<typeof s>][] => (s === undefined ? [] : [[i, s]])) });
