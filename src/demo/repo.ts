/**
 * The embedded default status repo: configuration for the local demo targets, written as a user
 * would write it. Its history is written afterwards by src/demo/seed.ts.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonSchema } from '../config/schema.ts';
import { INCIDENTS_DIR } from '../incidents/store.ts';
import { REPORTS_DIR } from '../reports/generate.ts';
import { DATA_DIR } from '../store/layout.ts';
import { type StoryMaintenance, WEEKLY_PATCHING, demoStory } from './story.ts';
import type { DemoTargets } from './targets.ts';

/** Marks a folder as a Cairn demo repo, so the demo may rewrite its configuration. */
export const DEMO_MARKER = '.cairn-demo';

/** Refuses to write into a folder that holds anything but a previous demo. */
export async function assertDemoDirUsable(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length > 0 && !entries.includes(DEMO_MARKER)) {
    throw new Error(`${dir} is not empty and is not a Cairn demo folder; choose another --out`);
  }
}

function settingsYaml(baseUrl: string | null): string {
  return `# yaml-language-server: $schema=./cairn.schema.json
# Site settings of the Cairn demo. Every target runs on 127.0.0.1, started by \`cairn demo\`.
site:
  title: Cairn Demo Status
  description: A demo of Cairn - 90 days of simulated history, then live checks against local targets (one healthy, one slow, one failing, one flapping).
  timeZone: UTC
${baseUrl ? `  baseUrl: ${baseUrl}   # where \`cairn demo\` serves the page: the API, feeds and calendar need it
` : ''}
defaults:
  interval: 5m
  timeout: 5s
  retries: 1
  thresholds:
    degraded: 800ms
    down: 4s

groups:
  - id: web
    name: Web
    components:
      - id: website
        name: Website
        description: The public website
      - id: api
        name: Public API
        dependsOn: [database]   # while Database is in an outage, the API shows "affected by Database" and its alerts wait for Database's
      - id: domain
        name: Domain
        description: The registration of cairn-demo.example
  - id: platform
    name: Platform
    components:
      - id: search
        name: Search
        description: Flaps between up and down on every request
      - id: database
        name: Database
      - id: backups
        name: Backups
        description: The nightly database backup, watched by its heartbeat

# A second page from the same data (docs/site.md, "Several pages from one repository"): the
# platform team's, built inside the default page's folder and served with it at /platform/.
pages:
  - id: platform
    title: Cairn Demo - Platform
    description: The platform team's page - the same data, its components only.
    groups: [platform]
    out: dist/platform
${baseUrl ? `    baseUrl: ${baseUrl.replace(/\/?$/, '/')}platform/
` : ''}
# SLOs on the checks themselves: error budgets, burn rates and burn-down without Prometheus.
slos:
  - id: website-availability
    name: Website availability
    component: website
    target: 99.9
    sli: { availability: {} }          # share of time up (or degraded), maintenance excluded
  - id: website-latency
    name: Website answers within 500 ms
    component: website
    target: 99
    sli: { responseTime: { below: 500ms } }
  - id: database-availability
    name: Database reachable
    component: database
    target: 99.5
    windows: [7d, month]
    sli: { availability: { measure: probes } }   # share of check results that were up

# Monthly reports: SLA credits owed per component (percent of the monthly fee), by tier.
reports:
  credits:
    - { below: 99.95, credit: 10 }
    - { below: 99.9, credit: 25 }
    - { below: 99, credit: 100 }

# Subscribers told of every incident update and maintenance window, once (see /subscribe/ and
# docs/subscribe.md). The demo sends nothing; a real page would declare, for example:
# subscribers:
#   smtp: { host: smtp.example.com, from: "Status <status@example.com>", pass: "\${SMTP_PASSWORD}" }
#   unsubscribe: "mailto:status@example.com?subject=unsubscribe"
#   list:
#     - { name: customers, emails: "\${SUBSCRIBER_EMAILS}", components: [api] }
#     - { name: community, slack: "\${COMMUNITY_SLACK_WEBHOOK}" }
`;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const duration = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 60_000}m`);

function oneOff(m: StoryMaintenance): string {
  return `  - id: ${m.id}
    title: ${m.title}
    description: ${m.description}
    components: [${m.components.join(', ')}]
    start: ${iso(m.start)}
    duration: ${duration(m.durationMs)}
`;
}

function maintenanceYaml(now: number): string {
  const w = WEEKLY_PATCHING;
  const day = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][w.weekday];
  return `
maintenance:
${demoStory(now).maintenance.map(oneOff).join('')}  - id: ${w.id}
    title: ${w.title}
    components: [${w.components.join(', ')}]
    recurring:
      every: week
      on: ${day}
      at: "${w.at}"
      duration: ${duration(w.durationMs)}
`;
}

function checksYaml(t: DemoTargets): string {
  return `# yaml-language-server: $schema=../cairn.schema.json
checks:
  - id: website
    name: Website home
    kind: http
    url: ${t.healthy}
    component: website

  - id: api-latency
    name: API (slow)
    description: Answers after ${t.slowDelayMs} ms, above the 800 ms warning threshold
    kind: http
    url: ${t.slow}
    component: api

  - id: api-orders
    name: Orders API
    description: Always answers 503
    kind: http
    url: ${t.failing}
    component: api

  - id: search
    name: Search
    kind: http
    url: ${t.flapping}
    component: search
    retries: 0 # no confirmation, so each flap shows

  - id: database
    name: Database port
    kind: tcp
    host: ${t.tcp.host}
    port: ${t.tcp.port}
    component: database

  - id: domain
    name: Domain registration
    description: The registration of cairn-demo.example, read through RDAP from a local registry
    kind: domain
    domain: cairn-demo.example
    rdap: ${t.rdap}
    component: domain

  - id: nightly-backup
    name: Nightly backup
    description: The backup job signals after each night's run with \`cairn heartbeat nightly-backup\`
    kind: heartbeat
    period: 1d
    grace: 2h
    component: backups
`;
}

/**
 * Writes the demo's configuration for `targets`, its maintenance windows anchored to `now`. What
 * an earlier demo left in the folder (its store, incidents and reports) is removed: the history
 * is written anew for this `now`. `opts.baseUrl`: where the demo serves its page (the API, feeds
 * and calendar need an absolute URL).
 */
export async function writeDemoRepo(dir: string, targets: DemoTargets, now = Date.now(), opts: { baseUrl?: string | null } = {}): Promise<void> {
  await assertDemoDirUsable(dir);
  for (const sub of [DATA_DIR, INCIDENTS_DIR, REPORTS_DIR]) await rm(path.join(dir, sub), { recursive: true, force: true });
  await mkdir(path.join(dir, 'checks'), { recursive: true });
  await writeFile(path.join(dir, DEMO_MARKER), 'This folder was written by `cairn demo`; the demo may rewrite its configuration.\n');
  await writeFile(path.join(dir, '.gitignore'), 'dist/\n');
  await writeFile(path.join(dir, 'cairn.schema.json'), `${JSON.stringify(jsonSchema(), null, 2)}\n`);
  await writeFile(path.join(dir, 'cairn.yaml'), settingsYaml(opts.baseUrl ?? null));
  await writeFile(path.join(dir, 'checks', 'demo.yaml'), checksYaml(targets) + maintenanceYaml(now));
}
