/**
 * Reading the documentation as data, for test/docs-examples.test.ts: the fenced code blocks of
 * README.md and docs/, which file each YAML example belongs in, what a status repo needs beside
 * an example to be complete, and the links between the pages.
 *
 * The convention (docs/development.md, "Documentation"): every ```yaml block starts with a
 * comment naming its file, `# cairn.yaml`, `# checks/<name>.yaml`, `# incidents/<name>.md` (the
 * block is the incident's front matter) or `# .github/workflows/<name>.yml`; text may follow the
 * path. A ```markdown block that starts with `---` is an incident file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import GithubSlugger from 'github-slugger';
import YAML from 'yaml';

export interface Block {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** Line of the opening fence (1-based). */
  line: number;
  /** The info string's first word, lowercased: yaml, markdown, sh... */
  lang: string;
  /** The block's content, without the fences. */
  text: string;
}

/** README.md and every Markdown file under docs/, relative to `root`, sorted. */
export function docFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) return walk(rel);
      return e.name.endsWith('.md') ? [rel] : [];
    });
  return ['README.md', ...walk('docs').sort()];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/;

/** The fenced code blocks of a Markdown text (CommonMark fences of ``` or ~~~, any indentation). */
export function fencedBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] as string);
    if (!open) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j] as string;
      const trimmed = l.trim();
      if (/^(`+|~+)$/.test(trimmed) && trimmed[0] === fence[0] && trimmed.length >= fence.length) break;
      body.push(l.startsWith(indent) ? l.slice(indent.length) : l.trimStart());
    }
    blocks.push({ file, line: i + 1, lang: info.toLowerCase(), text: body.join('\n') });
    i = j;
  }
  return blocks;
}

export type Placement =
  | { kind: 'config'; path: string }
  | { kind: 'incident'; path: string; frontMatterOnly: boolean }
  | { kind: 'workflow'; path: string }
  | { kind: 'not-checked' }
  | { kind: 'unmarked'; message: string };

const MARKER = /^#\s*(\S+)(?:\s.*)?$/;
const CONFIG_PATH = /^(cairn\.yaml|checks\/[\w.-]+\.ya?ml)$/;
const INCIDENT_PATH = /^incidents\/[\w.-]+\.md$/;
const WORKFLOW_PATH = /^\.github\/workflows\/[\w.-]+\.ya?ml$/;

export const HOW_TO_MARK =
  'start the block with a comment naming the file it belongs in: "# cairn.yaml", "# checks/<name>.yaml", ' +
  '"# incidents/<name>.md" (the block is the front matter) or "# .github/workflows/<name>.yml" (checked by actionlint)';

/** Which file a block belongs in, from its first line; only YAML and incident blocks are checked. */
export function placement(block: Block): Placement {
  const where = `${block.file}:${block.line}`;
  if (block.lang === 'markdown' || block.lang === 'md') {
    return block.text.startsWith('---\n') ? { kind: 'incident', path: 'incidents/docs-example.md', frontMatterOnly: false } : { kind: 'not-checked' };
  }
  if (block.lang !== 'yaml' && block.lang !== 'yml') return { kind: 'not-checked' };
  const first = block.text.split('\n', 1)[0]?.trim() ?? '';
  const file = MARKER.exec(first)?.[1];
  if (file !== undefined && CONFIG_PATH.test(file)) return { kind: 'config', path: file };
  if (file !== undefined && INCIDENT_PATH.test(file)) return { kind: 'incident', path: file, frontMatterOnly: true };
  if (file !== undefined && WORKFLOW_PATH.test(file)) return { kind: 'workflow', path: file };
  return { kind: 'unmarked', message: `${where}: this yaml block does not say which file it belongs in (first line: ${JSON.stringify(first)}); ${HOW_TO_MARK}` };
}

type Data = Record<string, unknown>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const record = (v: unknown): Data => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Data) : {});
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Components a configuration file declares: in its groups, and by its checks. */
export function declaredComponents(data: Data): Set<string> {
  const out = new Set<string>();
  for (const g of list(data['groups'])) {
    for (const c of list(record(g)['components'])) {
      const id = typeof c === 'string' ? c : str(record(c)['id']);
      if (id) out.add(id);
    }
  }
  for (const c of list(data['checks'])) {
    const id = str(record(c)['component']) ?? str(record(c)['id']);
    if (id) out.add(id);
  }
  return out;
}

/** Components a configuration file (or an incident's front matter) refers to. */
export function referencedComponents(data: Data): Set<string> {
  const out = new Set<string>();
  const add = (v: unknown) => {
    const s = str(v);
    if (s) out.add(s);
  };
  for (const m of list(data['maintenance'])) list(record(m)['components']).forEach(add);
  for (const s of list(data['slos'])) add(record(s)['component']);
  for (const c of list(data['capacity'])) add(record(c)['component']);
  const notifications = record(data['notifications']);
  for (const r of list(notifications['routes'])) list(record(r)['components']).forEach(add);
  Object.keys(record(notifications['componentLabels'])).forEach(add);
  for (const s of list(record(data['subscribers'])['list'])) list(record(s)['components']).forEach(add);
  list(data['components']).forEach(add); // an incident's front matter
  return out;
}

/** `ca:` file paths of the checks (inline PEM excluded). */
export function caFiles(data: Data): string[] {
  return list(data['checks'])
    .map((c) => str(record(c)['ca']))
    .filter((ca): ca is string => ca !== null && !ca.includes('-----BEGIN'));
}

/** Every `${NAME}` the text substitutes from the environment (not the escaped `$${NAME}`). */
export function envNames(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string))];
}

export interface StatusRepoFiles {
  /** Relative path → content, the example's own file included. */
  files: Record<string, string>;
  /** Relative paths that need a PEM CA certificate. */
  caFiles: string[];
  /** Environment variables to set to a placeholder. */
  env: string[];
}

export const COMPANION_CHECKS = 'checks/zz-docs-companion.yaml';

/**
 * The least that makes an example a complete status repo: a `cairn.yaml` with a title when the
 * example is not one; one `tcp` check for each component the example refers to but does not
 * declare, and one check when the example has none (a status repo needs at least one); a
 * placeholder for every `${NAME}`; a CA certificate at every `ca:` path.
 */
export function statusRepoFor(block: Block, where: Extract<Placement, { kind: 'config' | 'incident' }>): StatusRepoFiles {
  const files: Record<string, string> = {};
  let data: Data;
  if (where.kind === 'incident') {
    const content = where.frontMatterOnly ? `---\n${block.text}\n---\n` : `${block.text}\n`;
    files[where.path] = content;
    const m = /^---\n([\s\S]*?)\n---/.exec(content);
    data = record(YAML.parse(m?.[1] ?? ''));
  } else {
    files[where.path] = `${block.text}\n`;
    data = record(YAML.parse(block.text));
  }
  if (where.path !== 'cairn.yaml') files['cairn.yaml'] = 'site:\n  title: Docs example\n';
  const declared = where.kind === 'config' ? declaredComponents(data) : new Set<string>();
  const missing = [...referencedComponents(data)].filter((c) => !declared.has(c)).sort();
  const needsCheck = where.kind === 'incident' || list(data['checks']).length === 0;
  const companions = missing.map((c) => ({ id: `docs-companion-${c}`, component: c, kind: 'tcp', host: 'companion.example', port: 1 }));
  if (companions.length === 0 && needsCheck) companions.push({ id: 'docs-companion', component: 'docs-companion', kind: 'tcp', host: 'companion.example', port: 1 });
  if (companions.length > 0) files[COMPANION_CHECKS] = YAML.stringify({ checks: companions });
  return { files, caFiles: caFiles(data), env: envNames(block.text) };
}

export interface Link {
  file: string;
  line: number;
  target: string;
}

/** Markdown links (not images) outside code blocks, inline code and HTML comments. */
export function links(file: string, markdown: string): Link[] {
  const out: Link[] = [];
  const text = markdown.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  let inFence: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const fence = /^\s*(`{3,}|~{3,})/.exec(raw)?.[1];
    if (fence) {
      if (inFence === null) inFence = fence;
      else if (fence[0] === inFence[0] && fence.length >= inFence.length) inFence = null;
      return;
    }
    if (inFence !== null) return;
    const line = raw.replace(/`[^`]*`/g, '');
    for (const m of line.matchAll(/(!?)\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (m[1] === '!') continue;
      out.push({ file, line: i + 1, target: m[2] as string });
    }
  });
  return out;
}

/** The anchors GitHub gives the headings of a Markdown text. */
export function anchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const out = new Set<string>();
  let inFence: string | null = null;
  for (const raw of markdown.split('\n')) {
    const fence = /^\s*(`{3,}|~{3,})/.exec(raw)?.[1];
    if (fence) {
      if (inFence === null) inFence = fence;
      else if (fence[0] === inFence[0] && fence.length >= inFence.length) inFence = null;
      continue;
    }
    if (inFence !== null) continue;
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(raw)?.[1];
    if (heading === undefined) continue;
    // GitHub slugs the heading's text: code spans and emphasis marks are not part of it.
    out.add(slugger.slug(heading.replace(/`/g, '').replace(/\*\*|__/g, '')));
  }
  return out;
}

/** Problems of one relative link: a missing file, or an anchor no heading of the target has. */
export function brokenLink(root: string, link: Link, read: (file: string) => string | null = (f) => readText(root, f)): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) return null; // https:, mailto: ...
  const [rawPath = '', anchor] = link.target.split('#', 2) as [string, string | undefined];
  const target = rawPath === '' ? link.file : path.posix.normalize(path.posix.join(path.posix.dirname(link.file), decodeURIComponent(rawPath)));
  const where = `${link.file}:${link.line}: link ${JSON.stringify(link.target)}`;
  const text = read(target);
  if (text === null) return `${where}: no file ${target}`;
  if (anchor === undefined || anchor === '') return null;
  if (!target.endsWith('.md')) return null;
  return anchors(text).has(anchor) ? null : `${where}: ${target} has no heading with the anchor #${anchor}`;
}

function readText(root: string, file: string): string | null {
  try {
    return readFileSync(path.join(root, file), 'utf8');
  } catch (err) {
    // A folder is a valid link target (GitHub lists it).
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') return '';
    return null;
  }
}
