/**
 * The generated status repos of the benchmarks (bench:site, bench:serve): `components` components
 * of one tcp check each, in `groups` groups, with `days` days of 5-minute runs written as day
 * files. The history is deterministic (a fixed-seed generator): every benchmark that asks for the
 * same sizes and `now` gets the same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dayFile } from '../src/store/layout.ts';
import { STORE_VERSION } from '../src/store/samples.ts';

/** The interval of the generated runs. */
export const STEP = 5 * 60_000;
const log = (s: string) => process.stderr.write(`${s}\n`);

export async function writeRepo(dir: string, components: number, groups: number): Promise<number> {
  await mkdir(path.join(dir, 'checks'), { recursive: true });
  const ids = Array.from({ length: components }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
  const perGroup = Math.ceil(components / groups);
  const groupYaml = Array.from({ length: groups }, (_, g) => {
    const members = ids.slice(g * perGroup, (g + 1) * perGroup);
    return `  - id: g${g}\n    name: Group ${g + 1}\n    components: [${members.join(', ')}]`;
  }).join('\n');
  await writeFile(path.join(dir, 'cairn.yaml'), `site:\n  title: Bench Status\n  timeZone: Europe/Berlin\ngroups:\n${groupYaml}\n`);
  await writeFile(
    path.join(dir, 'checks', 'bench.yaml'),
    `checks:\n${ids.map((id) => `  - { id: ${id}, name: Service ${id.slice(4)}, kind: tcp, host: 127.0.0.1, port: 9 }`).join('\n')}\n`,
  );
  return ids.length;
}

/** Writes `days` days of 5-minute runs for `components` checks, one file per day, written once. */
export async function writeHistory(dir: string, components: number, days: number, now: number): Promise<number> {
  const ids = Array.from({ length: components }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
  let samples = 0;
  const start = Math.floor((now - days * 86_400_000) / STEP) * STEP;
  let day = '';
  let lines: string[] = [];
  const flush = async () => {
    if (!day) return;
    const file = dayFile(dir, day);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${lines.join('\n')}\n`);
    lines = [];
  };
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let t = start; t < now; t += STEP) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (d !== day) {
      await flush();
      day = d;
      if (lines.length === 0 && samples % 100 === 0) log(`  history: ${d}`);
    }
    const at = new Date(t).toISOString();
    const r = ids.map((id) => {
      const x = rand();
      const s = x < 0.002 ? 'down' : x < 0.01 ? 'degraded' : 'up';
      return { id, s, t: at, ms: s === 'down' ? null : Math.round(40 + rand() * 200), e: s === 'up' ? null : s === 'down' ? 'connection refused by 127.0.0.1:9' : 'response time above warning threshold' };
    });
    lines.push(JSON.stringify({ v: STORE_VERSION, t: at, r }));
    samples += r.length;
  }
  await flush();
  return samples;
}
