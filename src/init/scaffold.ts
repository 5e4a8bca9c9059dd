/**
 * `cairn init`: the files of a new status repo. Pure: from options to a list of files; the
 * command writes the ones that do not exist yet and never overwrites anything.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { jsonSchema } from '../config/schema.ts';

export interface ScaffoldOptions {
  /** Folder name of the status repo: the site title and the package name come from it. */
  name: string;
  /** How the status repo's package.json depends on Cairn (an npm spec). */
  cairnSpec: string;
  /** Scale-out: split the checks into this many shards (monitor workflow with a matrix); 1: no. */
  shards: number;
  /** Scale-out: regions (self-hosted runner labels); empty: none (GitHub-hosted runners). */
  regions: string[];
}

export interface ScaffoldFile {
  /** Path relative to the status repo, `/`-separated. */
  path: string;
  content: string;
}

/** The npm package a status repo installs Cairn from. */
export const PACKAGE_NAME = 'cairn-status';

/** By default a status repo depends on the Cairn that scaffolded it: `^<its version>`. */
export const DEFAULT_CAIRN_SPEC = `^${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}`;

const TEMPLATES = new URL('./templates/', import.meta.url);

export function template(name: string): string {
  return readFileSync(new URL(name, TEMPLATES), 'utf8');
}

/** `acme-status` → `Acme Status`. */
export function titleOf(name: string): string {
  const words = name.split(/[-_.\s]+/).filter(Boolean);
  if (words.length === 0) return 'Status';
  const title = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
  return /\bstatus\b/i.test(title) ? title : `${title} Status`;
}

/** A valid npm package name from a folder name. */
export function packageName(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|[-]+$/g, '');
  return slug || 'status';
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

export function monitorWorkflow(shards: number, regions: readonly string[]): string {
  if (shards <= 1 && regions.length === 0) return template('monitor.yml');
  const n = Math.max(1, shards);
  const list = Array.from({ length: n }, (_, i) => i + 1).join(', ');
  const withRegions = regions.length > 0;
  return template('monitor-sharded.yml')
    .replaceAll('__REGION_NOTE__', withRegions ? ` from each region (${regions.join(', ')}): a region is a self-hosted runner label` : '')
    .replaceAll('__JOB_NAME__', withRegions ? `shard \${{ matrix.shard }}/${n} in \${{ matrix.region }}` : `shard \${{ matrix.shard }}/${n}`)
    .replaceAll('__RUNS_ON__', withRegions ? `[self-hosted, '\${{ matrix.region }}']` : 'ubuntu-latest')
    .replaceAll('__SHARD_LIST__', list)
    .replaceAll('__REGION_MATRIX__', withRegions ? `\n        region: [${regions.map((r) => `'${r}'`).join(', ')}]` : '')
    .replaceAll('__REGION_ENV__', withRegions ? '\n      CAIRN_REGION: ${{ matrix.region }}' : '')
    .replaceAll('__SHARDS__', String(n));
}

export function scaffold(opts: ScaffoldOptions): ScaffoldFile[] {
  const title = titleOf(opts.name);
  const cairnYaml = [
    '# yaml-language-server: $schema=./cairn.schema.json',
    '# Site settings. Reference: docs/configuration.md in Cairn\'s repository.',
    'site:',
    `  title: ${yamlString(title)}`,
    '  timeZone: UTC                      # days and times on the page are shown in this zone',
    '  # baseUrl: https://OWNER.github.io/REPO/   # your GitHub Pages address: set it before publishing',
    '',
    'defaults:',
    '  interval: 5m                       # keep in step with the cron of .github/workflows/monitor.yml',
    '  timeout: 10s',
    '  retries: 1                         # confirm a failure once before reporting it',
    ...(opts.regions.length > 0 ? ['  regionRule: majority             # down when more than half of the regions see it down ("any": one is enough)'] : []),
    '',
    '# An SLO on the checks: error budget, burn rates and burn-down without Prometheus (docs/slo.md).',
    '# Uncomment it, with one of your components (a check is its own component unless it names one).',
    '# slos:',
    '#   - id: website-availability',
    '#     component: example-website',
    '#     target: 99.9',
    '#     sli: { availability: {} }',
    '',
  ].join('\n');
  const checks = [
    '# yaml-language-server: $schema=../cairn.schema.json',
    '# EXAMPLES: replace them with your own services (one file per service or team as you like).',
    'checks:',
    '  - id: example-website',
    '    name: Example website',
    '    kind: http',
    '    url: https://example.com/',
    '    expectStatus: [200]',
    '',
    '  - id: example-https-port',
    '    name: Example HTTPS port',
    '    kind: tcp',
    '    host: example.com',
    '    port: 443',
    '',
  ].join('\n');
  const pkg = {
    name: packageName(opts.name),
    private: true,
    type: 'module',
    description: `${title}: status page and reports built by Cairn`,
    scripts: { validate: 'cairn validate', check: 'cairn check', build: 'cairn build', serve: 'cairn serve' },
    engines: { node: '>=20.3' },
    dependencies: { [PACKAGE_NAME]: opts.cairnSpec },
  };
  return [
    { path: 'cairn.yaml', content: cairnYaml },
    { path: 'checks/example.yaml', content: checks },
    { path: 'incidents/.gitkeep', content: '' },
    { path: 'reports/.gitkeep', content: '' },
    { path: '.gitignore', content: 'node_modules/\ndist/\n' },
    { path: 'package.json', content: `${JSON.stringify(pkg, null, 2)}\n` },
    { path: 'cairn.schema.json', content: `${JSON.stringify(jsonSchema(), null, 2)}\n` },
    { path: '.github/workflows/monitor.yml', content: monitorWorkflow(opts.shards, opts.regions) },
    { path: '.github/workflows/report.yml', content: template('report.yml') },
    { path: '.github/workflows/heartbeat.yml', content: template('heartbeat.yml') },
    ...(opts.regions.length > 0 ? [{ path: '.github/actionlint.yaml', content: actionlintConfig(opts.regions) }] : []),
  ];
}

/** Tells actionlint that the region names are labels of your self-hosted runners. */
export function actionlintConfig(regions: readonly string[]): string {
  return `# Region names are labels of self-hosted runners (cairn init --regions).\nself-hosted-runner:\n  labels: [${regions.map((r) => `'${r}'`).join(', ')}]\n`;
}

/** The folder name a status repo is scaffolded from. */
export function repoName(dir: string): string {
  return path.basename(path.resolve(dir));
}
