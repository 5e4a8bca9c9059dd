/**
 * The one schema of Cairn's configuration.
 *
 * Every YAML file of a status repo (the settings file `cairn.yaml` and each `checks/*.yaml`)
 * is a `CairnFile`: the same sections, all optional. The loader decides which sections may
 * appear where (site settings only in `cairn.yaml`). `cairn schema` prints this schema as
 * JSON Schema, so editors autocomplete both kinds of file.
 */
import { z } from 'zod';

/** A duration: milliseconds as a number, or a string such as `500ms`, `30s`, `5m`, `1h`, `2d`. */
const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_EXPECTED = 'expected a duration such as "500ms", "30s", "5m", "1h" or a number of milliseconds';

export function parseDuration(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  const m = DURATION_RE.exec(value);
  if (!m) return null;
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] as string] as number));
}

export const Duration = z
  .union([z.number().nonnegative({ message: DURATION_EXPECTED }), z.string().regex(DURATION_RE, { message: DURATION_EXPECTED })], { error: DURATION_EXPECTED })
  .describe('A duration in milliseconds, or a string such as "500ms", "30s", "5m", "1h", "2d"')
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', input: v, message: DURATION_EXPECTED });
      return z.NEVER;
    }
    return ms;
  });

const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
    message: 'expected an id of lowercase letters, digits, "-" and "_" (1 to 64 characters, starting with a letter or digit)',
  });

const HttpUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  },
  { message: 'expected an absolute http:// or https:// URL' },
);

/** `200`, `"2xx"` or a range `"200-299"`. */
const StatusCodeSpec = z.union([
  z.number().int().min(100).max(599),
  z.string().regex(/^([1-5]xx|[1-5]\d\d(-[1-5]\d\d)?)$/, {
    message: 'expected a status code (200), a class ("2xx") or a range ("200-399")',
  }),
]);

const Headers = z.record(z.string(), z.string()).describe('Request headers; values may use ${ENV} secrets');

const checkCommon = {
  id: Id.describe('Stable identifier; used in URLs and in the stored history. Never reuse one for another target.'),
  name: z.string().min(1).optional().describe('Display name (defaults to the id)'),
  description: z.string().optional(),
  component: Id.optional().describe('Component this check belongs to (defaults to a component of its own)'),
  interval: Duration.optional().describe('How often the scheduled job runs this check (default: defaults.interval)'),
  timeout: Duration.optional().describe('Per-attempt timeout (default: defaults.timeout)'),
  retries: z.number().int().min(0).max(5).optional().describe('Extra attempts to confirm a failure before reporting it (default: defaults.retries)'),
  enabled: z.boolean().optional().describe('Set to false to stop running the check and keep its history'),
};

const Thresholds = z
  .strictObject({
    degraded: Duration.optional().describe('Response time above which the check is degraded (warning)'),
    down: Duration.optional().describe('Response time above which the check is down (critical)'),
  })
  .describe('Response-time thresholds');

export const HttpCheck = z.strictObject({
  ...checkCommon,
  kind: z.literal('http'),
  url: HttpUrl,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional(),
  headers: Headers.optional(),
  body: z.string().optional().describe('Request body, sent as is'),
  expectStatus: z
    .array(StatusCodeSpec)
    .min(1)
    .optional()
    .describe('Accepted status codes (default: 2xx)'),
  thresholds: Thresholds.optional(),
  followRedirects: z
    .union([z.boolean(), z.number().int().min(0).max(20)])
    .optional()
    .describe('Follow redirects: true (up to 5), false, or the maximum number to follow'),
});

export const TcpCheck = z.strictObject({
  ...checkCommon,
  kind: z.literal('tcp'),
  host: z.string().min(1).describe('Host name or IP address'),
  port: z.number().int().min(1).max(65535),
  thresholds: Thresholds.optional(),
});

export const Check = z.discriminatedUnion('kind', [HttpCheck, TcpCheck]);

export const Component = z.union([
  Id,
  z.strictObject({
    id: Id,
    name: z.string().min(1).optional(),
    description: z.string().optional(),
  }),
]);

export const Group = z.strictObject({
  id: Id,
  name: z.string().min(1),
  description: z.string().optional(),
  components: z.array(Component).min(1),
});

export const Site = z.strictObject({
  title: z.string().min(1).describe('Page title, e.g. "Acme Status"'),
  description: z.string().optional(),
  timeZone: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, { message: 'expected an IANA time zone such as "UTC" or "Europe/Berlin"' })
    .optional()
    .describe('Time zone in which days and times are shown (default UTC)'),
  baseUrl: HttpUrl.optional().describe('Public URL of the page, e.g. https://acme.github.io/status/'),
  locale: z
    .string()
    .refine((tag) => {
      try {
        return Intl.getCanonicalLocales(tag).length === 1;
      } catch {
        return false;
      }
    }, { message: 'expected a BCP 47 locale such as "en-US" or "de"' })
    .optional()
    .describe('BCP 47 locale for dates and numbers (default en-US)'),
});

export const Defaults = z.strictObject({
  interval: Duration.optional().describe('Schedule interval of the job (default 5m)'),
  timeout: Duration.optional().describe('Per-attempt timeout (default 10s)'),
  retries: z.number().int().min(0).max(5).optional().describe('Attempts to confirm a failure (default 1)'),
  maxGap: Duration.optional().describe('How long a sample holds without a newer one (default 3x interval)'),
  concurrency: z.number().int().min(1).max(1000).optional().describe('Checks run at once (default 20)'),
  deadline: Duration.optional().describe('Global deadline for one run of all checks (default 5m)'),
  degradedCountsAsUp: z.boolean().optional().describe('Whether degraded time counts as available (default true)'),
  thresholds: Thresholds.optional(),
});

export const CairnFile = z
  .strictObject({
    $schema: z.string().optional(),
    site: Site.optional(),
    defaults: Defaults.optional(),
    groups: z.array(Group).optional(),
    checks: z.array(Check).optional(),
  })
  .describe('A Cairn configuration file: cairn.yaml (site settings) or checks/*.yaml (checks)');

export type CheckConfigInput = z.input<typeof Check>;
export type CheckConfig = z.output<typeof Check>;
export type HttpCheckConfig = z.output<typeof HttpCheck>;
export type TcpCheckConfig = z.output<typeof TcpCheck>;
export type CairnFileConfig = z.output<typeof CairnFile>;

/** The JSON Schema of a Cairn configuration file (input form: what a user writes). */
export function jsonSchema(): Record<string, unknown> {
  // Draft-07: the draft editors' YAML and JSON language servers support most completely.
  const schema = z.toJSONSchema(CairnFile, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://cairn.dev/schema/cairn.json',
    title: 'Cairn configuration',
  };
}
