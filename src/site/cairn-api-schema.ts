/**
 * The shapes of Cairn's own API (`/api/cairn/v1/*.json`), written once as zod schemas: the
 * builder (src/site/cairn-api.ts) is typed by them, and the JSON Schemas published beside the
 * documents (`/api/cairn/v1/schemas/<name>.json`) are generated from them, so a document and its
 * schema cannot drift apart.
 *
 * Conventions: times are ISO-8601 in UTC; durations are whole milliseconds (`…Ms`); a share is a
 * number from 0 to 1 and, where the page prints it, also the page's string (`percent`: truncated,
 * never rounded up); links are relative to the document, so they work under any base path.
 */
import { z } from 'zod';
import type { CheckKind } from '../config/types.ts';
import { IMPACTS, SEVERITIES, UPDATE_STATUSES } from '../incidents/types.ts';
import type { SloEntry } from '../prometheus/types.ts';
import { BURN_WINDOWS } from '../prometheus/types.ts';
import { WINDOW_KEYS, type WindowKey } from '../model/model.ts';
import { STATE_KEYS, type StateKey } from '../vocabulary/states.ts';

export const CAIRN_API_VERSION = 1;

/** The documents, by name: `<name>.json` and `schemas/<name>.json`. */
export const CAIRN_API_DOCUMENTS = ['index', 'components', 'slos', 'capacity', 'incidents', 'reports'] as const;
export type CairnApiDocument = (typeof CAIRN_API_DOCUMENTS)[number];

// ---- Shared pieces (named: they become `$defs` of the JSON Schemas) ----

const Time = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/)
  .meta({ id: 'time', format: 'date-time', description: 'An instant, ISO-8601 in UTC, e.g. `2026-04-10T10:00:00.000Z`.' });
const Ms = z.int().describe('Milliseconds.');
const Share = z.number().describe('A share from 0 to 1.');
const PagePercent = z
  .string()
  .regex(/^-?\d+\.\d{2,3}$/)
  .meta({ id: 'pagePercent', description: 'A percentage exactly as the page prints it (without the % sign): truncated, never rounded up, e.g. `99.98`.' });
const Link = z.string().meta({ id: 'link', description: 'A URL relative to this document (resolve it against the URL the document was fetched from).' });
const Month = z.string().regex(/^\d{4}-\d{2}$/).describe('A calendar month in UTC, `YYYY-MM`.');

const STATUSES = ['up', 'degraded', 'down', 'maintenance', 'nodata'] as const;
const Status = z.enum(STATUSES).meta({ id: 'status', description: 'A check or component status: `up`, `degraded`, `down`, `maintenance`, or `nodata` (nothing recent known).' });
const State = z
  .enum(STATE_KEYS as [StateKey, ...StateKey[]])
  .meta({ id: 'state', description: "The state in Cairn's one vocabulary: the status, with a component's partial outage (`partial`: some of its checks down, others working) told apart from a major one (`down`)." });

/** Every check kind, kept equal to the configuration's by the compiler. */
const KINDS: Record<CheckKind, true> = { http: true, health: true, journey: true, tcp: true, tls: true, dns: true, ping: true, domain: true, heartbeat: true };
const Kind = z.enum(Object.keys(KINDS) as [CheckKind, ...CheckKind[]]);

const Window = z
  .object({
    from: Time,
    to: Time.describe('End of the window (exclusive).'),
    windowMs: Ms,
    knownMs: Ms.describe('Time with data (the gap rule: a sample holds until the next one, for at most the max gap).'),
    data: z.enum(['none', 'insufficient', 'enough']).describe('Whether data covers enough of the window for a figure (`enough`: at least minCoverage of it); the page shows a percentage only for `enough`.'),
    availability: Share.nullable().describe('Available time / (known time − maintenance), 0 to 1; null when the page shows no figure (`data` is not `enough`).'),
    percent: PagePercent.nullable().describe('`availability` as the page prints it (truncated to two decimals); null when it is.'),
    coverage: Share.describe('knownMs / windowMs.'),
    coveragePercent: PagePercent.describe('Coverage as the page prints it.'),
    upMs: Ms,
    degradedMs: Ms,
    downMs: Ms.describe('Time down: a check down, or a component with every check that has data down.'),
    partialMs: Ms.describe('Components only: time in a partial outage (some checks down, others working); 0 for checks.'),
    maintenanceMs: Ms,
    downtimeMs: Ms.describe('Down time as the availability rule counts it: full outages plus the counted part of partial ones.'),
    availableMs: Ms.describe('Time counted as available (the numerator of `availability`).'),
  })
  .meta({ id: 'window', description: 'The figures of one time window.' });

const Uptime = z
  .object(Object.fromEntries(WINDOW_KEYS.map((k) => [k, Window])) as Record<WindowKey, typeof Window>)
  .meta({ id: 'uptime', description: 'Figures over the last 24 hours, 7, 30 and 90 days, up to `generatedAt`.' });

const Latency = z
  .object({
    samples: z.int().describe('Response times measured (down samples excluded).'),
    p50: z.number().nullable().describe('Median response time, ms (nearest rank); null without samples.'),
    p95: z.number().nullable().describe('95th percentile, ms (nearest rank); null without samples.'),
  })
  .meta({ id: 'latency', description: 'Response times over the last 24 hours.' });

const Snapshot = z
  .object({
    generatedAt: Time.describe('When `cairn slo` took the snapshot.'),
    stale: z.boolean().describe('The snapshot is older than the max gap: its figures are not current.'),
    complete: z.boolean().describe('Every figure was computed by the snapshot’s own run (none kept from an earlier one).'),
    failures: z.array(z.string()).describe('What the run could not do (redacted).'),
    warnings: z.array(z.string()),
  })
  .nullable()
  .meta({ id: 'snapshot', description: 'The SLO snapshot the figures come from (data/slo/latest.json); null without one.' });

const header = (name: CairnApiDocument) => ({
  $schema: z.string().describe(`The JSON Schema of this document: \`schemas/${name}.json\`, relative to it.`),
  generatedAt: Time.describe('The instant the status model describes (the page was built for it).'),
});

// ---- index.json ----

export const IndexDocument = z.object({
  ...header('index'),
  version: z.literal(CAIRN_API_VERSION).describe('The API version: documents under /api/cairn/v1/ only ever gain fields.'),
  page: z.object({
    title: z.string(),
    description: z.string().nullable(),
    url: z.string().nullable().describe("The page's public address (`site.baseUrl`); null when not configured."),
    timeZone: z.string().describe('The zone the page shows times in (IANA name); the API is in UTC.'),
    locale: z.string(),
  }),
  state: State.describe("The page's state: the worst component state."),
  description: z.string().describe("The page's state in words, as the banner says it."),
  monitoringSince: Time.nullable().describe('The earliest stored data.'),
  documents: z.array(
    z.object({
      name: z.enum(CAIRN_API_DOCUMENTS),
      href: Link,
      schema: Link,
      description: z.string(),
    }),
  ),
});

// ---- components.json ----

const PartialOutage = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('full') }),
  z.object({ mode: z.literal('share') }),
  z.object({ mode: z.literal('weighted'), weight: z.number() }),
]);

const Check = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  kind: Kind,
  enabled: z.boolean(),
  intervalMs: Ms,
  status: Status,
  state: State,
  lastCheckedAt: Time.nullable(),
  lastResponseTimeMs: z.number().nullable(),
  lastStatusCode: z.int().nullable(),
  lastError: z.string().nullable(),
  uptime: Uptime,
  latency24h: Latency,
  regions: z.record(z.string(), Status).nullable().describe('Checks run from several regions: each region’s status now; null otherwise.'),
});

const Component = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  url: Link.describe("The component's page."),
  group: z.string().nullable().describe('The id of its group; null when ungrouped.'),
  status: Status,
  state: State,
  outage: z.enum(['partial', 'major']).nullable().describe('When down: `major` if every check with data is down, `partial` if only some are.'),
  activeIncidents: z.array(z.string()).describe('Ids of its unresolved incidents (see incidents.json).'),
  uptime: Uptime,
  latency24h: Latency.describe("Response times across the component's checks over the last 24 hours."),
  monthly: z
    .array(z.object({ month: Month, uptime: Window }))
    .describe('The last 13 UTC months, oldest first (the uptime page and the monthly reports show the same figures; incident counts, MTTD and MTTR are in incidents.json).'),
  checks: z.array(Check),
});

export const ComponentsDocument = z.object({
  ...header('components'),
  availability: z
    .object({
      degradedCountsAsUp: z.boolean(),
      partialOutage: PartialOutage,
      partialOutageText: z.string().describe('The rule as written in cairn.yaml (`share`, `full`, `weighted:0.3`).'),
      description: z.string().describe('The rule in one sentence, as the page footer and the reports state it.'),
      minCoverage: Share.describe('The share of a window that must have data for its figure to be shown.'),
    })
    .describe('The availability rule every figure below was computed with.'),
  windows: z.object(Object.fromEntries(WINDOW_KEYS.map((k) => [k, Ms])) as Record<WindowKey, typeof Ms>).describe('The length of each uptime window.'),
  groups: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string().nullable(),
      status: Status,
      state: State,
      components: z.array(z.string()),
    }),
  ),
  components: z.array(Component).describe('In page order.'),
});

// ---- slos.json ----

/** Every SLI kind, kept a superset of the snapshot's by the compiler (check-based SLOs add `availability`, `response-time`). */
export const SLI_KINDS = ['ratio', 'gauge', 'latency', 'availability', 'response-time'] as const;
type SliKind = (typeof SLI_KINDS)[number];
/** Fails to compile when the snapshot gains an SLI kind this enum lacks. */
const sliCovered: SloEntry['sli'] extends SliKind ? true : never = true;
void sliCovered;

const SloWindow = z.object({
  window: z.string().describe('`30d`, `month`, …'),
  from: Time,
  to: Time,
  windowMs: Ms.describe('Length of the whole window (a calendar month: the whole month).'),
  elapsedMs: Ms.describe('Part of the window elapsed at `to`.'),
  good: z.number().describe('Good events (or minutes) in the window.'),
  total: z.number(),
  achieved: Share.nullable().describe('good / total; null without data.'),
  achievedPercent: PagePercent.nullable().describe('`achieved` as the page prints it (truncated to three decimals).'),
  met: z.boolean().nullable().describe('achieved ≥ target; null without data.'),
  budget: z.object({
    unit: z.enum(['events', 'minutes']),
    allowed: z.number().describe('Bad events (or minutes) the target allows in the window.'),
    consumed: z.number(),
    remaining: z.number().describe('allowed − consumed; negative once overspent.'),
    remainingFraction: z.number().nullable().describe('remaining / allowed: 1 untouched, 0 exhausted, below 0 overspent; null when nothing is allowed yet.'),
    remainingPercent: PagePercent.nullable().describe('`remainingFraction` as the page prints it (floored to two decimals, negative when overspent).'),
  }),
});

const Slo = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  component: z.string(),
  source: z.enum(['prometheus', 'checks']).describe("Where the SLI comes from: Prometheus queries, or Cairn's own check results."),
  endpoint: z.string().nullable().describe('The Prometheus endpoint id; null for a check-based SLO.'),
  sli: z.enum(SLI_KINDS),
  checks: z.array(z.string()).optional().describe('Check-based SLOs: the checks whose results count.'),
  measure: z.enum(['time', 'probes']).optional().describe('Check-based availability SLOs: `time` (share of known time available) or `probes` (share of results good).'),
  thresholdMs: z.number().optional().describe('Check-based response-time SLOs: the threshold in milliseconds.'),
  target: z.number().describe('Percent, e.g. 99.9.'),
  asOf: Time.nullable().describe('When the figures were computed; older than the snapshot when its run failed for this SLO.'),
  error: z.string().nullable().describe('Why the last run could not compute them (redacted).'),
  stale: z.boolean().describe('The figures are not current (an old snapshot, or kept from an earlier run); the page says "SLO data as of …".'),
  figures: z
    .object({
      windows: z.array(SloWindow).describe('The first window is the one the page headlines (budget left, burn-down).'),
      burnRates: z
        .object(Object.fromEntries(BURN_WINDOWS.map((w) => [w, z.number().nullable()])) as Record<(typeof BURN_WINDOWS)[number], z.ZodNullable<z.ZodNumber>>)
        .describe('Burn rate per standard window: (bad share over the window) / (1 − target); null without data.'),
      alertState: z.enum(['ok', 'ticket', 'page']).describe('The state of the multiwindow, multi-burn-rate alerts.'),
      rules: z.array(
        z.object({
          severity: z.enum(['page', 'ticket']),
          long: z.enum(BURN_WINDOWS),
          short: z.enum(BURN_WINDOWS),
          factor: z.number(),
          firing: z.boolean(),
        }),
      ),
      exhaustion: z
        .object({ burnWindow: z.literal('1h'), ms: z.number().nullable().describe('Milliseconds (not whole).'), at: Time.nullable() })
        .describe("When the first window's budget is spent at the 1 h burn rate: 0 when spent, null when not burning."),
      burnDown: z.array(z.object({ at: Time, remaining: z.number().nullable() })).describe("Remaining share of the first window's budget over that window."),
    })
    .nullable()
    .describe('Null when no run has computed them yet.'),
});

export const SlosDocument = z.object({
  ...header('slos'),
  snapshot: Snapshot,
  slos: z.array(Slo).describe('In page order of their components.'),
  alerts: z
    .array(
      z.object({
        component: z.string(),
        endpoint: z.string(),
        name: z.string(),
        severity: z.string().nullable(),
        summary: z.string().nullable(),
        activeAt: Time.nullable(),
      }),
    )
    .describe('Prometheus alerts firing when the snapshot was taken.'),
});

// ---- capacity.json ----

const Capacity = z.object({
  id: z.string(),
  name: z.string(),
  component: z.string(),
  endpoint: z.string().nullable(),
  unit: z.string(),
  direction: z.enum(['up', 'down']).describe('`up`: a threshold is reached by growing (disk used); `down`: by falling (disk free).'),
  method: z.enum(['least-squares', 'theil-sen']),
  lookbackDays: z.number(),
  asOf: Time.nullable(),
  error: z.string().nullable(),
  stale: z.boolean(),
  figures: z
    .object({
      basis: z.enum(['daily-max', 'daily-min']).describe('What is forecast: each day’s highest value (`daily-max`) or lowest (`daily-min`, a falling resource); never the average.'),
      basisText: z.string().describe('The basis in one sentence, as the page and the reports print it.'),
      current: z.number().nullable().describe("Today's daily peak (low)."),
      slopePerDay: z.number().nullable(),
      growthPerWeek: z.number().nullable(),
      fitted: z.number().nullable().describe('The fitted value now.'),
      residualSd: z.number().nullable().describe('The residual spread used for the prediction interval.'),
      horizonDays: z.number(),
      daily: z.array(z.object({ at: Time.describe("The day's end."), value: z.number() })).describe('The daily peaks (lows) the forecast is fitted to.'),
      thresholds: z.array(
        z.object({
          level: z.enum(['warning', 'critical']),
          value: z.number(),
          state: z.enum(['breached', 'projected', 'not-within']).describe('`not-within`: not reached within horizonDays.'),
          earliest: Time.nullable().describe('The 95% prediction interval of when the threshold is reached: earliest, likely, latest (null beyond the horizon).'),
          likely: Time.nullable(),
          latest: Time.nullable(),
        }),
      ),
    })
    .nullable(),
});

export const CapacityDocument = z.object({
  ...header('capacity'),
  snapshot: Snapshot,
  capacity: z.array(Capacity).describe('In page order of their components.'),
});

// ---- incidents.json ----

const Incident = z.object({
  id: z.string(),
  title: z.string(),
  url: Link.describe("The incident's page."),
  impact: z.enum(IMPACTS),
  severity: z.enum(SEVERITIES),
  status: z.enum(UPDATE_STATUSES).describe('Its latest timeline status (`resolved` or `postmortem` once resolved).'),
  components: z.array(z.string()),
  auto: z.boolean().describe('Opened by Cairn from failing checks.'),
  startedAt: Time.describe('When the problem started.'),
  detectedAt: Time.describe('When the incident was opened.'),
  resolvedAt: Time.nullable(),
  durationMs: Ms.describe('resolved − started; for an open incident, generatedAt − started.'),
  timeToDetectMs: Ms.describe('detected − started (its share of MTTD).'),
  timeToResolveMs: Ms.nullable().describe('resolved − detected (its share of MTTR); null while open.'),
  updates: z.array(z.object({ at: Time, status: z.enum(UPDATE_STATUSES), text: z.string() })).describe('Newest first.'),
  body: z.string().describe('The markdown below the front matter: details, the postmortem.'),
});

export const IncidentsDocument = z.object({
  ...header('incidents'),
  incidents: z.array(Incident).describe('Every incident, newest first.'),
  monthly: z
    .array(
      z.object({
        component: z.string(),
        months: z.array(
          z.object({
            month: Month,
            incidents: z.int().describe('Incidents that started in the month.'),
            mttdMs: Ms.nullable().describe('Mean time to detect of those incidents; null without any.'),
            mttrMs: Ms.nullable().describe('Mean time to resolve (resolved − detected) of those resolved; null without any.'),
            downtimeMs: Ms.describe('Down time in the month, as the availability rule counts it.'),
          }),
        ),
      }),
    )
    .describe('Per component (page order), the last 13 UTC months, oldest first: the figures of the monthly reports.'),
});

// ---- reports.json ----

export const ReportsDocument = z.object({
  ...header('reports'),
  reports: z
    .array(
      z.object({
        month: Month,
        title: z.string(),
        summary: z.array(z.string()).describe("The executive summary's sentences."),
        page: Link.describe('The report on the status page.'),
        html: Link.describe('The self-contained HTML file (for printing).'),
        markdown: Link.nullable(),
      }),
    )
    .describe('The monthly reports in the status repo, newest first.'),
});

export const DOCUMENT_SCHEMAS = {
  index: IndexDocument,
  components: ComponentsDocument,
  slos: SlosDocument,
  capacity: CapacityDocument,
  incidents: IncidentsDocument,
  reports: ReportsDocument,
} as const satisfies Record<CairnApiDocument, z.ZodType>;

export type CairnApiDocuments = { [K in CairnApiDocument]: z.output<(typeof DOCUMENT_SCHEMAS)[K]> };

const TITLES: Record<CairnApiDocument, string> = {
  index: 'Cairn API v1: index',
  components: 'Cairn API v1: components and checks',
  slos: 'Cairn API v1: service level objectives',
  capacity: 'Cairn API v1: capacity forecasts',
  incidents: 'Cairn API v1: incidents',
  reports: 'Cairn API v1: monthly reports',
};

export const DESCRIPTIONS: Record<CairnApiDocument, string> = {
  index: 'The API version, the page state and links to every document and its schema.',
  components: 'Status, uptime per window and month, coverage and response times of every component and check, with the availability rule.',
  slos: 'Every SLO: target, windows, error budget, burn rates, alert state, exhaustion and burn-down.',
  capacity: 'Capacity forecasts: current value, growth, and when each threshold is reached (95% prediction interval).',
  incidents: 'Every incident with its timeline and figures, and per component and month the incident count, MTTD, MTTR and downtime.',
  reports: 'The monthly reports, with links to their page, HTML and markdown files.',
};

/**
 * The JSON Schema (draft 2020-12) of a document. Published (`strict: false`) it leaves room for
 * fields added later within v1, so a client validating against it keeps working; `strict: true`
 * forbids any field it does not name (the tests hold every document to it).
 */
export function documentJsonSchema(name: CairnApiDocument, opts: { strict?: boolean } = {}): Record<string, unknown> {
  const schema = z.toJSONSchema(DOCUMENT_SCHEMAS[name], {
    target: 'draft-2020-12',
    reused: 'inline',
    override: ({ jsonSchema }) => {
      // zod bounds every integer by the safe range: noise in a schema people read.
      if (jsonSchema.type === 'integer' && jsonSchema.minimum === Number.MIN_SAFE_INTEGER && jsonSchema.maximum === Number.MAX_SAFE_INTEGER) {
        delete jsonSchema.minimum;
        delete jsonSchema.maximum;
      }
      if (!opts.strict && jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return { $schema, title: TITLES[name], description: DESCRIPTIONS[name], ...rest };
}
