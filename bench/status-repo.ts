/**
 * What the site benchmarks share (bench:site, bench:scale): a generated status repo of N
 * components (one check each) with days of 5-minute history, and a timed `cairn build` of it.
 *
 * The history is the same for a given (components, days, now) whatever the line format: a seeded
 * generator draws each sample in run order (0.2% down, 0.8% degraded, response times 40-240 ms).
 * Lines are written as `cairn run` writes them (version 4: the ids on a day file's first line, a
 * key to them on the others, response times as text), or in the earlier compact format version 2
 * (`lineVersion: 2`: ids on every line, response times as numbers) or the verbose version 1 an
 * older Cairn wrote (`lineVersion: 1`, 7× the bytes of version 2).
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dayFile } from '../src/store/layout.ts';
import { idsKey } from '../src/store/ids-book.ts';
import { encodeMsText } from '../src/store/ms-text.ts';
import { LINE_VERSION, LINE_VERSION_2, STORE_VERSION, readDayFiles } from '../src/store/samples.ts';

export const STEP = 5 * 60_000;
export const CAIRN = fileURLToPath(new URL('../bin/cairn.js', import.meta.url));
export const log = (s: string): void => void process.stderr.write(`${s}\n`);

export function componentIds(components: number): string[] {
  const width = Math.max(3, String(components - 1).length);
  return Array.from({ length: components }, (_, i) => `svc-${String(i).padStart(width, '0')}`);
}

export interface RepoOptions {
  /** Groups the components are spread over (in order). */
  groups: number;
  /** `site.baseUrl`: with it the build also writes the Statuspage API and the feeds. */
  baseUrl?: string;
}

/** cairn.yaml and checks/bench.yaml: `components` tcp checks, one component each, in `groups` groups. */
export async function writeRepo(dir: string, components: number, opts: RepoOptions): Promise<string[]> {
  await mkdir(path.join(dir, 'checks'), { recursive: true });
  const ids = componentIds(components);
  const perGroup = Math.ceil(components / opts.groups);
  const groupYaml = Array.from({ length: opts.groups }, (_, g) => ids.slice(g * perGroup, (g + 1) * perGroup))
    .filter((members) => members.length > 0)
    .map((members, g) => `  - id: g${g}\n    name: Group ${g + 1}\n    components: [${members.join(', ')}]`)
    .join('\n');
  const baseUrl = opts.baseUrl ? `  baseUrl: ${opts.baseUrl}\n` : '';
  await writeFile(path.join(dir, 'cairn.yaml'), `site:\n  title: Bench Status\n${baseUrl}  timeZone: Europe/Berlin\ngroups:\n${groupYaml}\n`);
  await writeFile(
    path.join(dir, 'checks', 'bench.yaml'),
    `checks:\n${ids.map((id) => `  - { id: ${id}, name: Service ${id.slice(4)}, kind: tcp, host: 127.0.0.1, port: 9 }`).join('\n')}\n`,
  );
  return ids;
}

const DOWN_ERROR = 'connection refused by 127.0.0.1:9';
const SLOW_ERROR = 'response time above warning threshold';

/**
 * Writes `days` days of 5-minute runs of every check up to `now`, one file per UTC day, written
 * once. Returns the number of samples.
 */
export async function writeHistory(dir: string, ids: readonly string[], days: number, now: number, opts: { lineVersion?: 1 | 2 | 4 } = {}): Promise<number> {
  const version = opts.lineVersion ?? LINE_VERSION;
  let samples = 0;
  const start = Math.floor((now - days * 86_400_000) / STEP) * STEP;
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const idColumn = JSON.stringify(ids);
  const key = idsKey(idColumn);
  let day = '';
  let lines: string[] = [];
  const flush = async () => {
    if (!day) return;
    const file = dayFile(dir, day);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${lines.join('\n')}\n`);
    lines = [];
  };
  const letters = new Array<string>(ids.length);
  const ms = new Array<number | null>(ids.length);
  for (let t = start; t < now; t += STEP) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (d !== day) {
      await flush();
      day = d;
    }
    const at = new Date(t).toISOString();
    const errors: string[] = [];
    const verbose: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const x = rand();
      const s = x < 0.002 ? 'down' : x < 0.01 ? 'degraded' : 'up';
      const m = s === 'down' ? null : Math.round(40 + rand() * 200);
      const e = s === 'up' ? null : s === 'down' ? DOWN_ERROR : SLOW_ERROR;
      if (version === 1) {
        verbose.push(JSON.stringify({ id: ids[i], s, t: at, ms: m, e }));
      } else {
        letters[i] = s === 'down' ? 'd' : s === 'degraded' ? 'w' : 'u';
        ms[i] = m;
        if (e !== null) errors.push(`"${i}":${JSON.stringify(e)}`);
      }
    }
    const e = errors.length ? `,"e":{${errors.join(',')}}` : '';
    lines.push(
      version === 1
        ? `{"v":${STORE_VERSION},"t":"${at}","r":[${verbose.join(',')}]}`
        : version === 2
          ? `{"v":${LINE_VERSION_2},"t":"${at}","id":${idColumn},"s":"${letters.join('')}","ms":${JSON.stringify(ms)}${e}}`
          : `{"v":${LINE_VERSION},"t":"${at}",${lines.length === 0 ? `"id":${idColumn}` : `"k":"${key}"`},"s":"${letters.join('')}","ms":${JSON.stringify(encodeMsText(ms))}${e}}`,
    );
    samples += ids.length;
  }
  await flush();
  await assertReadable(dir, ids.length);
  return samples;
}

/**
 * Reads the newest day file back through the store's reader and throws unless every line is
 * read with every check: a generator that writes lines the store rejects would time a build of
 * an empty store (it once did, writing version 2 columns under the version 3 tag).
 */
async function assertReadable(dir: string, checks: number): Promise<void> {
  const days = (await readdir(path.join(dir, 'data'))).filter((f) => f.endsWith('.ndjson')).sort();
  const last = days.at(-1);
  if (!last) return;
  const file = path.join(dir, 'data', last);
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '').length;
  const { samples, problems } = await readDayFiles(dir, [{ day: last.slice(0, 10), file }]);
  if (problems.length > 0 || samples.length !== lines * checks) {
    throw new Error(`bench/status-repo.ts wrote lines the store does not read: ${samples.length} samples of ${lines * checks} from ${file}${problems[0] ? `; first problem: line ${problems[0].line}: ${problems[0].message}` : ''}`);
  }
}

export interface BuildMeasure {
  ms: number;
  peakRssMb: number;
  /** What the build printed on stderr. */
  stderr: string;
}

/**
 * Runs `cairn build --dir <dir>` (of `cairn`, by default this checkout's) in its own process;
 * the peak RSS is the kernel's high-water mark of that process (VmHWM), polled every 50 ms.
 */
export function timedBuild(dir: string, opts: { cairn?: string; nodeArgs?: readonly string[]; args?: readonly string[] } = {}): Promise<BuildMeasure> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.cairn ?? CAIRN, 'build', '--dir', dir, ...(opts.args ?? [])], { stdio: ['ignore', 'ignore', 'pipe'] });
    let peakKb = 0;
    const timer = setInterval(() => {
      readFile(`/proc/${child.pid}/status`, 'utf8')
        .then((s) => {
          const m = /VmHWM:\s+(\d+)/.exec(s);
          if (m) peakKb = Math.max(peakKb, Number(m[1]));
        })
        .catch(() => undefined);
    }, 50);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`build failed (${code}):\n${err}`));
      else resolve({ ms: Math.round(performance.now() - started), peakRssMb: Math.round(peakKb / 102.4) / 10, stderr: err });
    });
  });
}

/** Files and bytes under `dir`. */
export async function treeSize(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    files += 1;
    bytes += (await stat(path.join(e.parentPath, e.name))).size;
  }
  return { files, bytes };
}
