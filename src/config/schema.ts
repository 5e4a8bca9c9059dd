/**
 * The one schema of Cairn's configuration.
 *
 * Every YAML file of a status repo (the settings file `cairn.yaml` and each `checks/*.yaml`)
 * is a `CairnFile`: the same sections, all optional. The loader decides which sections may
 * appear where (site settings only in `cairn.yaml`). `cairn schema` prints this schema as
 * JSON Schema, so editors autocomplete both kinds of file.
 */
import { z } from 'zod';
import { parseJsonPath } from '../checks/jsonpath.ts';
import { templateNamesDeep, VARIABLE_NAME_RE, withPlaceholders } from '../checks/templates.ts';
import { reportCreditFields } from './schema-credits.ts';

/** A duration: milliseconds as a number, or a string such as `500ms`, `30s`, `5m`, `1h`, `2d`. */
const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;
/** The same, with at least one non-zero digit: what a timeout, an interval or a threshold takes. */
const POSITIVE_DURATION_RE = /^\s*(?=[\d.]*[1-9])(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_EXPECTED = 'expected a duration such as "500ms", "30s", "5m", "1h" or a number of milliseconds';
const POSITIVE_DURATION_EXPECTED = 'expected a duration of at least 1ms, such as "500ms", "30s", "5m", "1h" or a number of milliseconds';

export function parseDuration(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  const m = DURATION_RE.exec(value);
  if (!m) return null;
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] as string] as number));
}

/** A duration as a user writes it: the largest unit that divides it (`5m`, `90s`, `1500ms`). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function durationSchema(positive: boolean) {
  const expected = positive ? POSITIVE_DURATION_EXPECTED : DURATION_EXPECTED;
  const number = positive ? z.number().min(1, { message: expected }) : z.number().nonnegative({ message: expected });
  const text = z.string().regex(positive ? POSITIVE_DURATION_RE : DURATION_RE, { message: expected });
  return z
    .union([number, text], { error: expected })
    .describe(`A duration in milliseconds${positive ? ' (at least 1)' : ''}, or a string such as "500ms", "30s", "5m", "1h", "2d"`)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === null || (positive && ms < 1)) {
        ctx.addIssue({ code: 'custom', input: v, message: expected });
        return z.NEVER;
      }
      return ms;
    });
}

/** A duration that may be 0 (a cooldown of 0: none). */
export const Duration = durationSchema(false);

/**
 * A duration that must be longer than nothing: a timeout, an interval, a threshold, a window.
 * `timeout: 0` would time every attempt out at once; `interval: 0` would make every sample hold
 * for no time at all.
 */
export const PositiveDuration = durationSchema(true);

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
  interval: PositiveDuration.optional().describe('How often the scheduled job runs this check (default: defaults.interval)'),
  timeout: PositiveDuration.optional().describe('Per-attempt timeout (default: defaults.timeout)'),
  retries: z.number().int().min(0).max(5).optional().describe('Extra attempts to confirm a failure before reporting it (default: defaults.retries)'),
  enabled: z.boolean().optional().describe('Set to false to stop running the check and keep its history'),
  dependsOn: z
    .array(Id)
    .min(1)
    .optional()
    .describe("Components the check's component depends on (added to those its group entry lists); see the component's dependsOn"),
};

const Thresholds = z
  .strictObject({
    degraded: PositiveDuration.optional().describe('Response time above which the check is degraded (warning)'),
    down: PositiveDuration.optional().describe('Response time above which the check is down (critical)'),
  })
  .describe('Response-time thresholds');

// ---------------------------------------------------------------------------------------------
// HTTP requests and assertions: shared by the http, health and journey kinds.

const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB)?\s*$/;
const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1000, KiB: 1024, MB: 1_000_000, MiB: 1024 * 1024 };
const SIZE_EXPECTED = 'expected a size such as 65536, "512KiB" or "1MiB" (units B, KB, KiB, MB, MiB)';

export function parseByteSize(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : null;
  const m = SIZE_RE.exec(value);
  if (!m) return null;
  return Math.floor(Number(m[1]) * (SIZE_UNITS[m[2] ?? 'B'] as number));
}

const ByteSize = z
  .union([z.number().int().nonnegative({ message: SIZE_EXPECTED }), z.string().regex(SIZE_RE, { message: SIZE_EXPECTED })], { error: SIZE_EXPECTED })
  .describe('A size in bytes, or a string such as "512KiB", "1MiB", "10MB"')
  .transform((v) => parseByteSize(v) ?? 0);

/** The most `maxBodyBytes` may be: the body read is kept in memory for the assertions. */
export const MAX_BODY_BYTES_LIMIT = 64 * 1024 * 1024;

const JsonPathString = z
  .string()
  .superRefine((s, ctx) => {
    const parsed = parseJsonPath(s);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', input: s, message: parsed });
  })
  .describe('A JSON path to one value: $.status, $.checks.db.healthy, $.items[0].id, $["x-y"]');

function isRegex(s: string): boolean {
  try {
    new RegExp(s, 'u');
    return true;
  } catch {
    return false;
  }
}

const RegexString = z.string().refine(isRegex, { message: 'expected a valid regular expression (JavaScript syntax)' });

const OneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

const BodyAssertions = z
  .strictObject({
    contains: OneOrMany(z.string().min(1)).optional().describe('Text the body must contain (one string or a list, all required)'),
    notContains: OneOrMany(z.string().min(1)).optional().describe('Text the body must not contain (one string or a list)'),
    matches: OneOrMany(RegexString).optional().describe('Regular expression(s) the body must match (JavaScript syntax)'),
  })
  .describe('Assertions on the response body, as text');

export const JSON_ASSERTION_OPS = ['equals', 'notEquals', 'gt', 'gte', 'lt', 'lte', 'contains', 'matches', 'exists'] as const;

const JsonAssertion = z
  .strictObject({
    path: JsonPathString.describe('The value to test: a JSON path such as $.status or $.items[0].id'),
    equals: z.unknown().optional().describe('The value must equal this (string, number, boolean, null, list or mapping)'),
    notEquals: z.unknown().optional().describe('The value must differ from this'),
    gt: z.number().optional().describe('The value must be a number greater than this'),
    gte: z.number().optional().describe('The value must be a number greater than or equal to this'),
    lt: z.number().optional().describe('The value must be a number less than this'),
    lte: z.number().optional().describe('The value must be a number less than or equal to this'),
    contains: z.unknown().optional().describe('A string value must contain this text; a list must contain this item'),
    matches: RegexString.optional().describe('The value (a string, or a number as text) must match this regular expression'),
    exists: z.boolean().optional().describe('true: the path must hold a value; false: it must not exist'),
  })
  .refine((a) => JSON_ASSERTION_OPS.some((op) => Object.hasOwn(a, op)), {
    message: `expected at least one operator next to "path": ${JSON_ASSERTION_OPS.join(', ')}`,
  })
  .describe('One JSON assertion: a path and one or more operators, e.g. { path: $.status, equals: pass }');

const HeaderAssertion = z
  .strictObject({
    equals: z.string().optional().describe('The header must equal this (case-sensitive)'),
    contains: z.string().optional().describe('The header must contain this text (case-insensitive)'),
    matches: RegexString.optional().describe('The header must match this regular expression'),
    exists: z.boolean().optional().describe('true: the header must be present; false: it must be absent'),
  })
  .refine((a) => ['equals', 'contains', 'matches', 'exists'].some((op) => Object.hasOwn(a, op)), {
    message: 'expected at least one of equals, contains, matches, exists',
  });

export const Assertions = z
  .strictObject({
    body: BodyAssertions.optional(),
    json: z.array(JsonAssertion).min(1).optional().describe('Assertions on the JSON body; a body that is not JSON fails them'),
    headers: z
      .record(z.string().min(1), HeaderAssertion)
      .optional()
      .describe('Assertions on response headers, by header name (case-insensitive)'),
    size: z
      .strictObject({
        min: ByteSize.optional().describe('Smallest acceptable body size'),
        max: ByteSize.optional().describe('Largest acceptable body size (at most maxBodyBytes is read)'),
      })
      .optional()
      .describe('Assertions on the body size in bytes'),
  })
  .describe('Assertions on the response; any failing one makes the check down, with a sentence saying which');

const ExpectStatus = z.array(StatusCodeSpec).min(1).describe('Accepted status codes: 200, classes ("2xx") or ranges ("200-399")');

const requestFields = {
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional().describe('HTTP method (default GET)'),
  headers: Headers.optional(),
  query: z
    .record(z.string(), Scalar)
    .optional()
    .describe('Query parameters appended to the URL (URL-encoded), e.g. { region: eu, verbose: true }'),
  body: z.string().optional().describe('Request body, sent as is (set a content-type header yourself); use json or form for structured bodies'),
  json: z.unknown().optional().describe('Request body as JSON: any value, serialized, with content-type: application/json'),
  form: z
    .record(z.string(), Scalar)
    .optional()
    .describe('Request body as a form: fields sent URL-encoded with content-type: application/x-www-form-urlencoded'),
  followRedirects: z
    .union([z.boolean(), z.number().int().min(0).max(20)])
    .optional()
    .describe('Follow redirects: true (up to 5), false, or the maximum number to follow'),
  maxBodyBytes: ByteSize.optional().describe('Bytes of the response body read at most (default 1MiB); reading stops there'),
  assert: Assertions.optional(),
};

const tlsFields = {
  ca: z
    .string()
    .min(1)
    .optional()
    .describe('Extra CA certificate(s) to trust, on top of the system ones: a PEM file path relative to the status repo, or inline PEM'),
  insecureSkipVerify: z
    .boolean()
    .optional()
    .describe('DANGEROUS: accept any certificate (expired, self-signed, wrong host). The connection is encrypted but not authenticated; prefer ca'),
};

type BodyFields = { body?: unknown; json?: unknown; form?: unknown; maxBodyBytes?: number };

/** At most one of body, json and form; maxBodyBytes within its limit. */
function checkRequestFields(value: BodyFields, ctx: z.core.$RefinementCtx<BodyFields>): void {
  const given = (['body', 'json', 'form'] as const).filter((k) => value[k] !== undefined);
  if (given.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: [given[1] as string],
      input: value[given[1] as 'body'],
      message: `expected only one request body, but ${given.join(' and ')} are both set; keep one`,
    });
  }
  if (value.maxBodyBytes !== undefined && (value.maxBodyBytes < 1 || value.maxBodyBytes > MAX_BODY_BYTES_LIMIT)) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxBodyBytes'],
      input: value.maxBodyBytes,
      message: `expected a size from 1 byte to 64MiB (${MAX_BODY_BYTES_LIMIT} bytes)`,
    });
  }
}

export const HttpCheck = z
  .strictObject({
    ...checkCommon,
    kind: z.literal('http'),
    url: HttpUrl.describe('The URL to request; credentials in it are sent as Basic auth and never shown'),
    ...requestFields,
    expectStatus: ExpectStatus.optional().describe('Accepted status codes (default: 2xx)'),
    ...tlsFields,
    thresholds: Thresholds.optional(),
  })
  .superRefine(checkRequestFields);

export const HEALTH_FORMATS = ['auto', 'ietf', 'spring', 'custom'] as const;

const HealthStatusValues = z
  .array(z.union([z.string(), z.boolean(), z.number()]))
  .min(1);

export const HealthMapping = z
  .strictObject({
    status: JsonPathString.optional().describe('Path of the overall status, e.g. $.overall_status (default: none, components only)'),
    up: HealthStatusValues.optional().describe('Values meaning up (case-insensitive; default: up, ok, pass, healthy, true)'),
    degraded: HealthStatusValues.optional().describe('Values meaning degraded (default: warn, warning, degraded); anything else is down'),
    components: JsonPathString.optional().describe('Path of the components: a mapping of name -> object, or a list of objects'),
    componentName: JsonPathString.optional().describe('For a list of components: path of the name inside each (default: $.name, $.id or $.componentId)'),
    componentStatus: JsonPathString.optional().describe('Path of the status inside each component, e.g. $.healthy (default: $.status); true is up, false is down'),
    componentOutput: JsonPathString.optional().describe('Path of a message inside each component shown when it is not up, e.g. $.error'),
  })
  .refine((m) => m.status !== undefined || m.components !== undefined, {
    message: 'expected "status" or "components" (or both): where the mapping finds the statuses',
  })
  .describe('How to read a custom health response: where the statuses are and which values mean up or degraded');

export const HealthCheck = z
  .strictObject({
    ...checkCommon,
    kind: z.literal('health'),
    url: HttpUrl.describe('The health endpoint'),
    format: z
      .enum(HEALTH_FORMATS)
      .optional()
      .describe('auto (default: detect), ietf (application/health+json), spring (Spring Boot Actuator), custom (with mapping)'),
    mapping: HealthMapping.optional(),
    ...requestFields,
    expectStatus: ExpectStatus.optional().describe('Accepted status codes (default: 2xx); a 503 with a readable body still reports its components'),
    ...tlsFields,
    thresholds: Thresholds.optional(),
  })
  .superRefine((value, ctx) => {
    checkRequestFields(value, ctx as unknown as z.core.$RefinementCtx<BodyFields>);
    if (value.format === 'custom' && value.mapping === undefined) {
      ctx.addIssue({ code: 'custom', path: ['format'], input: value.format, message: 'expected a "mapping" next to format: custom, saying where the statuses are' });
    }
    if (value.mapping !== undefined && value.format !== undefined && value.format !== 'custom') {
      ctx.addIssue({ code: 'custom', path: ['format'], input: value.format, message: 'expected format: custom (or no format) when a mapping is given' });
    }
  });

const TemplatedUrl = z
  .string()
  .refine(
    (s) => {
      try {
        const u = new URL(withPlaceholders(s));
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'expected an absolute http:// or https:// URL (it may use {{variables}})' },
  )
  .describe('The URL to request; may use {{variables}} extracted by earlier steps');

const VariableName = z.string().regex(VARIABLE_NAME_RE, { message: 'expected a variable name of letters, digits and "_", not starting with a digit' });

const Extraction = z
  .strictObject({
    json: JsonPathString.optional().describe('Take the value at this JSON path of the response body'),
    header: z.string().min(1).optional().describe('Take the value of this response header'),
    regex: RegexString.optional().describe('Apply this regular expression (to the header, the JSON value, or else the body) and take its first group, or the whole match'),
  })
  .refine((e) => e.json !== undefined || e.header !== undefined || e.regex !== undefined, {
    message: 'expected json, header or regex: where to take the value from',
  })
  .refine((e) => e.json === undefined || e.header === undefined, { message: 'expected json or header, not both' });

export const JourneyStep = z
  .strictObject({
    name: z.string().min(1).describe('What the step does, e.g. "log in"; named in the error when it fails'),
    url: TemplatedUrl,
    ...requestFields,
    expectStatus: ExpectStatus.optional().describe('Accepted status codes (default: 2xx)'),
    extract: z
      .record(VariableName, Extraction)
      .optional()
      .describe('Values to keep for later steps as {{name}}: { token: { json: $.token }, id: { header: location, regex: "/orders/(\\\\d+)" } }'),
  })
  .superRefine((value, ctx) => checkRequestFields(value, ctx as unknown as z.core.$RefinementCtx<BodyFields>));

/** The templated parts of a step: where `{{name}}` may appear. */
const STEP_TEMPLATED = ['url', 'headers', 'query', 'body', 'json', 'form'] as const;

export const JourneyCheck = z
  .strictObject({
    ...checkCommon,
    kind: z.literal('journey'),
    variables: z
      .record(VariableName, z.string())
      .optional()
      .describe('Variables available to every step as {{name}} (may use ${ENV} secrets)'),
    steps: z.array(JourneyStep).min(1).describe('HTTP requests run in order; the journey stops at the first failing step'),
    ...tlsFields,
    thresholds: Thresholds.optional().describe('Thresholds on the total time of all steps'),
  })
  .superRefine((value, ctx) => {
    // Every {{name}} must be declared in variables or extracted by an earlier step.
    const known = new Set(Object.keys(value.variables ?? {}));
    value.steps.forEach((step, i) => {
      for (const field of STEP_TEMPLATED) {
        if (step[field] === undefined) continue;
        for (const name of templateNamesDeep(step[field])) {
          if (known.has(name)) continue;
          const defined = known.size > 0 ? `defined before this step: ${[...known].join(', ')}` : 'no variable is defined before this step';
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, field],
            input: step[field],
            message: `expected {{${name}}} to be extracted by an earlier step or declared in variables (${defined})`,
          });
        }
      }
      for (const name of Object.keys(step.extract ?? {})) known.add(name);
    });
  });

/** The most `maxBytes` of a tcp check may be: the answer is kept in memory to be matched. */
export const MAX_TCP_READ_BYTES = 1024 * 1024;

const HEX_RE = /^\s*(?:[0-9a-fA-F]{2}\s*)+$/;

const TcpSend = z
  .union([
    z.string().min(1),
    z.strictObject({
      hex: z
        .string()
        .regex(HEX_RE, { message: 'expected bytes as pairs of hex digits, optionally spaced: "2a310d0a" or "2a 31 0d 0a"' })
        .describe('The bytes to send as hex digits, e.g. "2a310d0a"'),
    }),
  ])
  .describe('What to send once connected: text (UTF-8; write "\\r\\n" inside double quotes for CR LF) or { hex: "..." } for bytes');

const TcpExpect = z
  .union([
    z.string().min(1),
    z
      .strictObject({
        contains: OneOrMany(z.string().min(1)).optional().describe('Text the answer must contain (one string or a list, all required)'),
        matches: RegexString.optional().describe('Regular expression the answer must match (JavaScript syntax)'),
      })
      .refine((e) => e.contains !== undefined || e.matches !== undefined, { message: 'expected "contains" or "matches" (or both)' }),
  ])
  .describe('What the answer must hold: text it contains, or { contains, matches }; the check is up as soon as it does');

export const TcpCheck = z
  .strictObject({
    ...checkCommon,
    kind: z.literal('tcp'),
    host: z.string().min(1).describe('Host name or IP address'),
    port: z.number().int().min(1).max(65535),
    send: TcpSend.optional(),
    expect: TcpExpect.optional(),
    readTimeout: PositiveDuration.optional().describe('How long to wait for the expected answer once connected (and sent) (default: the rest of the timeout)'),
    maxBytes: ByteSize.optional().describe('Bytes of the answer read at most while looking for the expected text (default 64KiB, at most 1MiB)'),
    tls: z.boolean().optional().describe('Speak TLS (verifying the certificate) before sending and reading, e.g. SMTPS on 465 (default false)'),
    servername: z.string().min(1).optional().describe('With tls: the name sent as SNI and matched against the certificate (default: host)'),
    ...tlsFields,
    thresholds: Thresholds.optional().describe('Thresholds on the connect time, or with send/expect on the time until the answer matched'),
  })
  .superRefine((c, ctx) => {
    for (const key of ['readTimeout', 'maxBytes'] as const) {
      if (c[key] !== undefined && c.expect === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], input: c[key], message: `expected "expect" next to ${key}: it applies to reading the answer` });
      }
    }
    if (c.maxBytes !== undefined && (c.maxBytes < 1 || c.maxBytes > MAX_TCP_READ_BYTES)) {
      ctx.addIssue({ code: 'custom', path: ['maxBytes'], input: c.maxBytes, message: `expected a size from 1 byte to 1MiB (${MAX_TCP_READ_BYTES} bytes)` });
    }
    if (c.tls !== true) {
      for (const key of ['servername', 'ca', 'insecureSkipVerify'] as const) {
        if (c[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], input: c[key], message: `expected tls: true next to ${key}: it applies to the TLS handshake` });
      }
    }
  });

const Port = z.number().int().min(1).max(65535);

export const TlsCheck = z.strictObject({
  ...checkCommon,
  kind: z.literal('tls'),
  host: z.string().min(1).describe('Host name or IP address to connect to'),
  port: Port.optional().describe('Port (default 443)'),
  servername: z.string().min(1).optional().describe('Name sent as SNI and matched against the certificate (default: host)'),
  warningDays: z.number().int().min(0).max(3650).optional().describe('Degraded when the certificate expires within this many days (default 14)'),
  criticalDays: z.number().int().min(0).max(3650).optional().describe('Down when the certificate expires within this many days (default 7)'),
  ca: z
    .string()
    .min(1)
    .optional()
    .describe('CA certificates to trust instead of the system ones: a PEM file path relative to the status repo, or inline PEM'),
  thresholds: Thresholds.optional(),
});

export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'] as const;

export const DnsCheck = z.strictObject({
  ...checkCommon,
  kind: z.literal('dns'),
  query: z.string().min(1).describe('The DNS name to resolve, e.g. api.acme.com'),
  record: z.enum(DNS_RECORD_TYPES).optional().describe('Record type (default A)'),
  server: z
    .string()
    .regex(/^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-fA-F:.]+\](:\d{1,5})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]+)$/, {
      message: 'expected a DNS server IP address, optionally with a port: "1.1.1.1", "10.0.0.2:5353", "[::1]:53"',
    })
    .optional()
    .describe('DNS server to ask (IP address, optionally :port); default: the system resolver'),
  expect: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('Expected values: addresses, names, "10 mx.acme.com" for MX, text for TXT'),
  match: z.enum(['all', 'any']).optional().describe('all: every expected value must be in the answer (default); any: at least one'),
  thresholds: Thresholds.optional(),
});

export const PingCheck = z
  .strictObject({
    ...checkCommon,
    kind: z.literal('ping'),
    host: z.string().min(1).describe('Host name or IP address'),
    port: Port.optional().describe('TCP port to connect to (required unless icmp is true)'),
    count: z.number().int().min(1).max(20).optional().describe('Probes to send (default 3)'),
    icmp: z.boolean().optional().describe('Use ICMP echo through the system ping command instead of TCP connections (default false)'),
    loss: z
      .strictObject({
        degraded: z.number().min(0).max(100).optional().describe('Packet loss (%) above which the check is degraded (default 0)'),
        down: z.number().min(0).max(100).optional().describe('Packet loss (%) above which the check is down (default 50)'),
      })
      .optional()
      .describe('Packet-loss thresholds in percent'),
    thresholds: Thresholds.optional(),
  })
  .refine((c) => c.icmp === true || c.port !== undefined, {
    path: ['port'],
    message: 'expected a port: a TCP ping connects to host:port (or set icmp: true)',
  });

// ---------------------------------------------------------------------------------------------
// Domain expiry (RDAP) and heartbeat checks (issue 16).

/** A registered domain name: labels of letters, digits and hyphens (IDNs in their xn-- form), at least two. */
const DomainName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z0-9-]{2,63}\.?$/, {
    message: 'expected a registered domain name such as "example.com" (IDNs in their "xn--" form)',
  });

export const DomainCheck = z
  .strictObject({
    ...checkCommon,
    kind: z.literal('domain'),
    domain: DomainName.describe('The registered domain whose registration expiry is watched, e.g. example.com'),
    warningDays: z.number().int().min(0).max(3650).optional().describe('Degraded when the registration expires within this many days (default 30)'),
    criticalDays: z.number().int().min(0).max(3650).optional().describe('Down when the registration expires within this many days (default 7)'),
    rdap: HttpUrl.optional().describe('Base URL of the RDAP server to ask (…/domain/<name> is appended); default: found through the IANA bootstrap file'),
    rdapBootstrap: HttpUrl.optional().describe('URL of the IANA RDAP bootstrap file for DNS (default https://data.iana.org/rdap/dns.json); for tests and air-gapped mirrors'),
    thresholds: Thresholds.optional(),
  })
  .refine((c) => c.warningDays === undefined || c.criticalDays === undefined || c.criticalDays <= c.warningDays, {
    path: ['criticalDays'],
    message: 'expected criticalDays no larger than warningDays',
  });

export const HeartbeatCheck = z.strictObject({
  ...checkCommon,
  kind: z.literal('heartbeat'),
  period: PositiveDuration.describe('How often the job signals: "1d" for a nightly job, "1h" for an hourly one'),
  grace: Duration.optional().describe('How late a signal may be before the heartbeat is down (default: a fifth of the period, at most 1h)'),
});

export const Check = z.discriminatedUnion('kind', [HttpCheck, TcpCheck, TlsCheck, DnsCheck, PingCheck, HealthCheck, JourneyCheck, DomainCheck, HeartbeatCheck]);

// Component dependencies (src/model/dependencies.ts): a component affected by the outage of another.
const DependsOn = z
  .array(Id)
  .min(1)
  .describe('Components this one depends on, by id: while one of them is in an outage, this one shows "affected by" it and its own outage alerts are held back in favour of the root cause\'s');

export const Component = z.union([
  Id,
  z.strictObject({
    id: Id,
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    dependsOn: DependsOn.optional(),
  }),
]);

export const Group = z.strictObject({
  id: Id,
  name: z.string().min(1),
  description: z.string().optional(),
  components: z.array(Component).min(1),
});

const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as "UTC" or "Europe/Berlin"' },
);

/** An instant with its offset: 2026-11-24T10:00:00Z or 2026-11-24T11:00:00+01:00. */
const Instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'expected a time with its offset, such as 2026-12-01T02:00:00Z',
  });

const CalendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date such as 2026-12-01' });

export const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const Weekday = z.enum(WEEKDAY_NAMES);

export const Recurrence = z
  .strictObject({
    every: z.enum(['day', 'week', 'month']).describe('How often the window recurs'),
    on: z
      .union([Weekday, z.array(Weekday).min(1), z.number().int().min(1).max(31)])
      .optional()
      .describe('Weekday(s) for "week" (default sunday); day of the month for "month" (default 1; 31 means the last day)'),
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a local time such as "02:00"' }).describe('Local start time, HH:MM'),
    duration: PositiveDuration.describe('How long each window lasts'),
    timeZone: TimeZone.optional().describe('Zone of "at" (default: site.timeZone); DST-correct'),
    from: CalendarDate.optional().describe('First date the rule applies'),
    until: CalendarDate.optional().describe('Last date the rule applies'),
  })
  .describe('A recurring window, e.g. every Sunday 02:00 for 2h');

export const Maintenance = z
  .strictObject({
    id: Id.describe('Stable identifier of the window'),
    title: z.string().min(1),
    description: z.string().optional(),
    components: z.array(Id).min(1).describe('Components under maintenance during the window'),
    start: Instant.optional().describe('Start of a one-off window'),
    end: Instant.optional().describe('End of a one-off window (or give duration)'),
    duration: PositiveDuration.optional().describe('Length of a one-off window (or give end)'),
    recurring: Recurrence.optional(),
  })
  .superRefine((m, ctx) => {
    if (m.recurring) {
      for (const key of ['start', 'end', 'duration'] as const) {
        if (m[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `a recurring window takes no "${key}" (its timing is in "recurring")` });
      }
      return;
    }
    if (m.start === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected "start" with "end" or "duration" for a one-off window, or "recurring"' });
      return;
    }
    if ((m.end === undefined) === (m.duration === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['start'], message: 'expected exactly one of "end" or "duration" with "start"' });
    } else if (m.end !== undefined && Date.parse(m.end) <= Date.parse(m.start)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'expected "end" after "start"' });
    }
  })
  .describe('A maintenance window: inside it the status is "maintenance", no incident opens, no alert goes out');

// ---- Incident response (src/config/incident-response.ts): targets, escalation, postmortems ----
const SeverityResponse = z
  .strictObject({
    acknowledge: PositiveDuration.optional().describe('Acknowledge an incident of this severity within this time of its detection (defaults: P1 15m, P2 30m, P3 2h, P4 24h)'),
    escalateTo: z
      .union([Id, z.array(Id).min(1)])
      .optional()
      .describe('Channel(s) told once when the target passes without an acknowledgement (default: the routes that take "incident.escalated")'),
    postmortem: z
      .union([PositiveDuration, z.literal(false)])
      .optional()
      .describe('A postmortem is due within this time of the resolution (default 5d for P1 and P2; false: none required)'),
  })
  .describe('The response to incidents of one severity');

export const IncidentResponse = z
  .strictObject({ P1: SeverityResponse.optional(), P2: SeverityResponse.optional(), P3: SeverityResponse.optional(), P4: SeverityResponse.optional() })
  .describe('Response targets per severity (P1 to P4): acknowledgement, escalation, postmortem');
// ---- end of incident response ----

export const IncidentSettings = z
  .strictObject({
    auto: z.boolean().optional().describe('Open and resolve incidents automatically (default true)'),
    resolveAfter: z.number().int().min(1).max(100).optional().describe('Healthy runs in a row that resolve an automatic incident (default 2)'),
    response: IncidentResponse.optional(),
  })
  .describe('Automatic incidents and the response to incidents');

export const Site = z.strictObject({
  title: z.string().min(1).describe('Page title, e.g. "Acme Status"'),
  description: z.string().optional(),
  timeZone: TimeZone.optional().describe('Time zone in which days and times are shown (default UTC)'),
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
  // Several pages from one repository (src/config/resolve-pages.ts): what the default page shows.
  components: z.array(Id).min(1).optional().describe('Components the default page shows (default: all, or those of `groups`); see `pages:`'),
  groups: z.array(Id).min(1).optional().describe('Groups whose components the default page shows (default: all); see `pages:`'),
});

/** `full`, `share` or `weighted:<fraction 0..1>` (src/model/availability.ts). */
export const PARTIAL_OUTAGE_RE = /^(full|share|weighted:(0(\.[0-9]+)?|1(\.0+)?|\.[0-9]+))$/;
const PartialOutage = z.string().regex(PARTIAL_OUTAGE_RE, { message: 'expected "full", "share" or "weighted:<fraction from 0 to 1>" such as "weighted:0.3"' });

export const Defaults = z.strictObject({
  interval: PositiveDuration.optional().describe('Schedule interval of the job (default 5m)'),
  timeout: PositiveDuration.optional().describe('Per-attempt timeout (default 10s)'),
  retries: z.number().int().min(0).max(5).optional().describe('Attempts to confirm a failure (default 1)'),
  maxGap: PositiveDuration.optional().describe('How long a sample holds without a newer one (default 3x interval)'),
  concurrency: z.number().int().min(1).max(1000).optional().describe('Checks run at once (default 20)'),
  perHostConcurrency: z.number().int().min(1).max(1000).optional().describe('Checks run at once against one host (default 4)'),
  deadline: PositiveDuration.optional().describe('Global deadline for one run of all checks (default 5m)'),
  degradedCountsAsUp: z.boolean().optional().describe('Whether degraded time counts as available (default true)'),
  partialOutage: PartialOutage.optional().describe(
    'How the time of a component\'s partial outage (some of its checks down, others working) counts against availability: "share" (default) counts the share of its checks that are down, "full" all of it, "weighted:0.3" that fraction of it (Statuspage counts 0.3)',
  ),
  regionRule: z
    .enum(['any', 'majority'])
    .optional()
    .describe('With checks run from several regions: "majority" (default) means down when more than half of the regions reporting see it down; "any" when any one does'),
  thresholds: Thresholds.optional(),
});

/** Raw history shorter than this could not feed the 7-day response-time series. */
export const MIN_RETENTION_MS = 8 * 86_400_000;

export const Store = z
  .strictObject({
    retention: Duration.refine((ms) => ms >= MIN_RETENTION_MS, { message: 'expected a retention of at least 8d' })
      .optional()
      .describe('Raw samples older than this are compacted into daily rollups (default 90d, at least 8d)'),
    git: z
      .strictObject({
        name: z.string().min(1).optional().describe('Commit author name of `cairn run` (default "Cairn bot"; env CAIRN_GIT_NAME overrides)'),
        email: z.string().min(3).optional().describe('Commit author email (default cairn-bot@users.noreply.github.com; env CAIRN_GIT_EMAIL overrides)'),
        push: z.boolean().optional().describe('Whether `cairn run` pushes to the upstream branch when there is one (default true)'),
        pushAttempts: z.number().int().min(1).max(20).optional().describe('Push attempts before giving up; each rejected push fetches, rebases and retries (default 5)'),
      })
      .optional()
      .describe('How `cairn run` commits and pushes'),
  })
  .describe('The results store: retention of raw samples, and the git identity of `cairn run`');

// ---------------------------------------------------------------------------------------------
// Prometheus: endpoints, SLOs and capacity forecasts (cairn.yaml only; see src/prometheus).

/** `metric{label="v"}`, `metric` or `{__name__="m"}`: what `increase()` and friends are applied to. */
export const SELECTOR_RE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(\{[^{}]*\})?\s*$/;
const SeriesSelector = z
  .string()
  .refine((s) => SELECTOR_RE.test(s) && s.trim() !== '' && s.trim() !== '{}', {
    message: 'expected a series selector such as http_requests_total{job="api",code=~"5.."} (a metric name and/or {label matchers}, no functions)',
  });

export const PrometheusEndpoint = z
  .strictObject({
    id: Id.describe('Identifier of the endpoint; SLOs and capacity resources name it in "prometheus" (default: the first endpoint)'),
    url: HttpUrl.describe('Base URL including any path prefix: https://prometheus.acme.com, https://mimir.acme.com/prometheus (the API is <url>/api/v1)'),
    bearerToken: z.string().min(1).optional().describe('Bearer token sent as "Authorization: Bearer"; write a ${ENV} secret, never the token itself'),
    basicAuth: z
      .strictObject({
        username: z.string().min(1).describe('Basic-auth user name'),
        password: z.string().min(1).describe('Basic-auth password; write a ${ENV} secret'),
      })
      .optional()
      .describe('HTTP basic authentication (or give bearerToken)'),
    headers: Headers.optional().describe('Extra request headers, e.g. { X-Scope-OrgID: acme } for a Mimir or Cortex tenant; values may use ${ENV} secrets'),
    timeout: PositiveDuration.optional().describe('Per-request timeout (default 30s); also sent to the server as its query timeout'),
    alerts: z.boolean().optional().describe("Read firing alerts from this server's /api/v1/alerts and show them on the components (default true)"),
    alertLabel: z.string().min(1).optional().describe('Alert label whose value is a component id (default "component")'),
  })
  .refine((e) => e.bearerToken === undefined || e.basicAuth === undefined, {
    path: ['basicAuth'],
    message: 'expected bearerToken or basicAuth, not both',
  })
  .describe('A Prometheus-compatible server: Prometheus, Thanos, Mimir, Cortex or VictoriaMetrics');

export const SloSli = z
  .strictObject({
    ratio: z
      .strictObject({
        errors: SeriesSelector.optional().describe('Counter of bad events, e.g. http_requests_total{job="api",code=~"5.."} (or give good)'),
        good: SeriesSelector.optional().describe('Counter of good events (or give errors)'),
        total: SeriesSelector.describe('Counter of all events, e.g. http_requests_total{job="api"}'),
      })
      .refine((r) => (r.errors === undefined) !== (r.good === undefined), { message: 'expected exactly one of "errors" or "good" next to "total"' })
      .optional()
      .describe('Event-based SLI from counters: good share = 1 - errors/total (or good/total)'),
    gauge: SeriesSelector.optional().describe('Time-based SLI from a 0/1 gauge such as probe_success{job="blackbox"}: share of samples that are 1'),
    latency: z
      .strictObject({
        metric: SeriesSelector.describe('Histogram bucket series, e.g. http_request_duration_seconds_bucket{job="api"}'),
        le: z
          .union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?([eE][-+]?\d+)?$/, { message: 'expected a bucket bound such as 0.3' })])
          .describe('Threshold: the bucket upper bound ("le" label), e.g. 0.3 for 300 ms'),
      })
      .optional()
      .describe('Latency SLI from histogram buckets: share of requests at or under the threshold'),
    availability: z
      .strictObject({
        checks: z
          .array(Id)
          .min(1)
          .optional()
          .describe("Checks whose results count (default: every check of the SLO's component, combined by the page's partial-outage rule)"),
        degraded: z
          .enum(['good', 'bad'])
          .optional()
          .describe('Whether a degraded result counts as good (default: as defaults.degradedCountsAsUp says, like the page)'),
        measure: z
          .enum(['time', 'probes'])
          .optional()
          .describe(
            '"time" (default): the share of known time outside maintenance that was good, the page\'s availability formula; "probes": the share of check results that were good, what avg_over_time(probe_success) gives in Prometheus',
          ),
      })
      .optional()
      .describe("Availability SLI from Cairn's own checks (no Prometheus needed): good = up (and degraded, as configured)"),
    responseTime: z
      .strictObject({
        below: PositiveDuration.describe('Threshold: a result is good when its response time is at or under this, e.g. 300ms'),
        checks: z.array(Id).min(1).optional().describe("Checks whose results count (default: every check of the SLO's component)"),
      })
      .optional()
      .describe("Latency SLI from Cairn's own checks: share of successful results (not down, outside maintenance) answered within the threshold"),
  })
  .refine((s) => [s.ratio, s.gauge, s.latency, s.availability, s.responseTime].filter((x) => x !== undefined).length === 1, {
    message: 'expected exactly one of ratio, gauge, latency (Prometheus) or availability, responseTime (checks)',
  })
  .describe('The service level indicator: from Prometheus (ratio, gauge, latency) or from Cairn\'s own checks (availability, responseTime)');

const SloWindowSpec = z.union([z.literal('month'), PositiveDuration]).describe('"month" (the calendar month, UTC) or a rolling duration such as "30d"');

export const Slo = z
  .strictObject({
    id: Id.describe('Stable identifier of the SLO'),
    component: Id.describe('Component the SLO belongs to (must exist)'),
    name: z.string().min(1).optional().describe('Display name (defaults to the id)'),
    description: z.string().optional().describe('What the SLO promises, shown on the page'),
    prometheus: Id.optional().describe('Endpoint id to query (default: the first endpoint); Prometheus SLIs only'),
    target: z.number().gt(0).lt(100).describe('Objective in percent, e.g. 99.9'),
    windows: z
      .array(SloWindowSpec)
      .min(1)
      .optional()
      .describe('Compliance windows; the first drives the budget, burn-down and time to exhaustion shown first (default ["30d", "month"])'),
    sli: SloSli,
  })
  .describe('A service level objective computed from Prometheus or from Cairn\'s own check results');

export const CAPACITY_TYPES = ['cpu', 'memory', 'disk', 'custom'] as const;

export const CapacityResource = z
  .strictObject({
    id: Id.describe('Stable identifier of the resource'),
    component: Id.describe('Component the resource belongs to (must exist)'),
    name: z.string().min(1).optional().describe('Display name (defaults to the id)'),
    prometheus: Id.optional().describe('Endpoint id to query (default: the first endpoint)'),
    type: z
      .enum(CAPACITY_TYPES)
      .optional()
      .describe('cpu (warning 80, critical 95), memory (85/95), disk (90/95), in percent; or custom (give both thresholds). Default custom'),
    query: z
      .string()
      .min(1)
      .describe('PromQL expression of the usage, e.g. 100 * (1 - node_filesystem_avail_bytes / node_filesystem_size_bytes); of several series the highest counts (lowest when falling)'),
    unit: z.string().optional().describe('Unit shown with the figures (default "%" for cpu, memory and disk)'),
    direction: z.enum(['up', 'down']).optional().describe('up (default): trouble when the value rises to a threshold; down: when it falls to one (free space)'),
    warning: z.number().optional().describe('Warning threshold (default by type)'),
    critical: z.number().optional().describe('Critical threshold (default by type)'),
    lookback: Duration.optional().describe('History the trend is fitted on, 30d to 90d (default 30d)'),
    method: z.enum(['least-squares', 'theil-sen']).optional().describe('Trend fit: least-squares (default) or theil-sen (robust to outliers)'),
    horizon: PositiveDuration.optional().describe('How far ahead a crossing is projected (default 365d); beyond it: "not within N days"'),
    resolution: PositiveDuration.optional().describe('Resolution of the daily maxima (default 5m): the server takes the max over evaluations this far apart'),
  })
  .superRefine((c, ctx) => {
    const noDefaults = (c.type ?? 'custom') === 'custom' || c.direction === 'down';
    for (const key of ['warning', 'critical'] as const) {
      if (noDefaults && c[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [], message: `expected "${key}": a ${c.direction === 'down' ? 'falling' : 'custom'} resource has no default thresholds` });
      }
    }
    if (c.lookback !== undefined && (c.lookback < 30 * 86_400_000 || c.lookback > 90 * 86_400_000)) {
      ctx.addIssue({ code: 'custom', path: ['lookback'], input: c.lookback, message: 'expected a lookback from 30d to 90d' });
    }
  })
  .describe('A capacity forecast: a trend fitted on daily maxima and the projected date each threshold is crossed');

// ---------------------------------------------------------------------------------------------
// Notifications (cairn.yaml only): channels, routes by severity, component and labels, cooldowns.

export const NOTIFY_SEVERITIES = ['critical', 'warning', 'info'] as const;
const NotifySeverity = z.enum(NOTIFY_SEVERITIES);

const SecretText = z.string().min(1);
const channelCommon = {
  timeout: PositiveDuration.optional().describe('Timeout of one delivery attempt (default 10s)'),
  retries: z.number().int().min(0).max(5).optional().describe('Extra attempts after a 5xx, a 429 or a refused connection, with exponential backoff (default 3)'),
};

export const NotifyChannel = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('slack').describe('Slack incoming webhook, Block Kit message'),
      url: HttpUrl.describe('Incoming webhook URL; a secret: write ${SLACK_WEBHOOK_URL}'),
      ...channelCommon,
    }),
    z.strictObject({
      type: z.literal('discord').describe('Discord webhook, one embed per message'),
      url: HttpUrl.describe('Webhook URL; a secret: write ${DISCORD_WEBHOOK_URL}'),
      username: z.string().min(1).optional().describe('Name the message is posted as (default "Cairn")'),
      ...channelCommon,
    }),
    z.strictObject({
      type: z.literal('teams').describe('Microsoft Teams incoming webhook (Workflows), Adaptive Card message'),
      url: HttpUrl.describe('Webhook URL; a secret: write ${TEAMS_WEBHOOK_URL}'),
      ...channelCommon,
    }),
    z.strictObject({
      type: z.literal('email').describe('Email over SMTP, with HTML and text parts'),
      host: z.string().min(1).describe('SMTP server host'),
      port: z.number().int().min(1).max(65535).optional().describe('SMTP port (default 465 when secure, else 587)'),
      secure: z.boolean().optional().describe('true: TLS from the start (port 465); false (default): STARTTLS when the server offers it'),
      user: SecretText.optional().describe('SMTP user; write ${SMTP_USER}'),
      pass: SecretText.optional().describe('SMTP password; a secret: write ${SMTP_PASSWORD}'),
      from: z.string().min(3).describe('Sender, e.g. "Acme Status <status@acme.com>"'),
      to: z.union([z.string().min(3), z.array(z.string().min(3)).min(1)]).describe('Recipient address(es)'),
      ...channelCommon,
    }),
    z.strictObject({
      type: z.literal('pagerduty').describe('PagerDuty Events API v2: trigger, and resolve with the same dedup_key'),
      routingKey: SecretText.describe('Integration (routing) key of the service; a secret: write ${PAGERDUTY_ROUTING_KEY}'),
      eventsUrl: HttpUrl.optional().describe('Events API URL (default https://events.pagerduty.com/v2/enqueue)'),
      apiToken: SecretText.optional().describe('REST API key (read-only is enough) to read acknowledgements of incidents back (incident response); a secret: write ${PAGERDUTY_API_TOKEN}'),
      apiUrl: HttpUrl.optional().describe('REST API URL (default https://api.pagerduty.com)'),
      ...channelCommon,
    }),
    z.strictObject({
      type: z.literal('webhook').describe('Generic JSON POST signed with HMAC-SHA256 (X-Cairn-Signature, X-Cairn-Timestamp)'),
      url: HttpUrl.describe('Receiver URL'),
      secret: SecretText.describe('Signing secret shared with the receiver; write ${CAIRN_WEBHOOK_SECRET}'),
      headers: Headers.optional().describe('Extra request headers; values may use ${ENV} secrets'),
      ...channelCommon,
    }),
    z.strictObject({
      type: z.literal('github').describe('GitHub issues: opened on an alert or incident, commented on updates, closed on resolve'),
      repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: 'expected "owner/name"' }).describe('Repository the issues are opened in, "owner/name"'),
      token: SecretText.optional().describe('Token with issues: write; default: the GITHUB_TOKEN environment variable at send time'),
      apiUrl: HttpUrl.optional().describe('REST API base URL (default https://api.github.com; GitHub Enterprise: https://host/api/v3)'),
      labels: z.array(z.string().min(1)).optional().describe('Labels put on opened issues (default ["incident"])'),
      ...channelCommon,
    }),
  ])
  .describe('A notification channel; its "type" says which service');

const OneOrManySeverity = z.union([NotifySeverity, z.array(NotifySeverity).min(1)]);

export const NotifyRoute = z
  .strictObject({
    severity: OneOrManySeverity.optional().describe('Severities this route takes: critical, warning, info (default: all)'),
    components: z.array(Id).min(1).optional().describe('Components this route takes (default: all); an event about any of them matches'),
    labels: z.record(z.string().min(1), z.string()).optional().describe('Labels an event must carry, all of them (component labels, SLO labels)'),
    events: z
      .array(z.string().regex(/^[a-z_]+(\.[a-z_]+)?$/, { message: 'expected an event type such as "incident" or "incident.opened"' }))
      .min(1)
      .optional()
      .describe('Event types this route takes: a family ("incident", "component", "certificate", "slo", "capacity", "maintenance") or one type ("incident.opened")'),
    channels: z.array(Id).min(1).describe('Channel names the matching events go to'),
    stop: z.boolean().optional().describe('true: routes after this one are not considered for a matching event'),
  })
  .describe('A route: events matching every condition given go to its channels');

export const Notifications = z
  .strictObject({
    channels: z.record(Id, NotifyChannel).describe('Named channels, e.g. { oncall: { type: pagerduty, ... }, team: { type: slack, ... } }'),
    routes: z
      .array(NotifyRoute)
      .optional()
      .describe('Routes, in order; every matching route adds its channels. Default: critical → pagerduty, chat, email; warning → chat, email; info → chat'),
    componentLabels: z
      .record(Id, z.record(z.string().min(1), z.string()))
      .optional()
      .describe('Labels of components for routing, e.g. { api: { team: payments } }'),
    cooldown: z
      .strictObject({
        critical: Duration.optional().describe('Least time between two notifications of one critical alert (default 5m)'),
        warning: Duration.optional().describe('Least time between two notifications of one warning alert (default 30m)'),
        info: Duration.optional().describe('Least time between two notifications of one info alert (default 15m)'),
      })
      .optional()
      .describe('Per severity: a new notification for the same alert waits this long (escalations and resolves do not wait)'),
    remind: z
      .union([Duration, z.literal(false)])
      .optional()
      .describe('Remind chat, email and webhook channels this often while an alert or incident stays open (default 4h; false or 0: never)'),
    sendResolved: z.boolean().optional().describe('Notify when an alert resolves (default true; PagerDuty and GitHub are always resolved)'),
    maintenanceEvents: z.boolean().optional().describe('Notify when a maintenance window starts and ends (default false)'),
    forecastWithin: PositiveDuration.optional().describe('Notify when a capacity threshold is forecast to be crossed within this time (default 14d)'),
  })
  .describe('Notifications: channels, routing by severity, component and labels, cooldowns and reminders (cairn.yaml only)');

export const Reports = z
  .strictObject({
    slaTarget: z.number().gt(0).lt(100).optional().describe('SLA target in percent of components without an SLO (default 99.9); a component with an SLO uses its first SLO\'s target'),
    certificateDays: z.number().int().min(1).max(365).optional().describe('Certificates expiring within this many days of the month\'s end are listed (default 60)'),
    prometheus: z.boolean().optional().describe('Query Prometheus for the exact calendar month when an endpoint is configured (default true); otherwise the daily SLO snapshots are used'),
    // SLA credits (src/config/schema-credits.ts).
    ...reportCreditFields,
  })
  .describe('Monthly health reports (`cairn report`, cairn.yaml only)');

// ---- pages: several pages from one repository (issue 16; resolved in src/config/resolve-pages.ts) ----

export const Page = z
  .strictObject({
    id: Id.describe('Page id: names it in `cairn build --page <id>`, its default output folder (dist-<id>) and its path under `cairn serve` (/<id>/)'),
    title: z.string().min(1).describe('Page title, e.g. "Acme internal status"'),
    description: z.string().optional(),
    baseUrl: HttpUrl.optional().describe('Public URL of this page (its API, feeds and calendar need it), e.g. https://status.internal.acme.com/'),
    locale: Site.shape.locale,
    components: z.array(Id).min(1).optional().describe('Components this page shows (with `groups`: both)'),
    groups: z.array(Id).min(1).optional().describe('Groups whose components this page shows'),
    out: z.string().min(1).optional().describe('Output folder, relative to the status repo (default dist-<id>); inside another page\'s folder (e.g. dist/internal) it is published with it'),
  })
  .describe('Another status page built from the same data: its own title, address, components and output folder');

export const Pages = z.array(Page).min(1).describe('More status pages built from the same data (cairn.yaml only); `site:` is the default page');

// ---------------------------------------------------------------------------------------------
// Subscribers (cairn.yaml only): people and systems told of incident updates and maintenance.

const SubscriberEmails = z
  .union([z.string().min(3), z.array(z.string().min(3)).min(1)])
  .describe('Addresses: a list, or one string separated by commas, semicolons or spaces; a secret: write ${SUBSCRIBER_EMAILS} so no address lands in git');

export const Subscriber = z
  .strictObject({
    name: Id.describe('Name of the subscriber, in logs and the notification state (never an address)'),
    webhook: HttpUrl.optional().describe('A JSON webhook that receives each update (Cairn\'s webhook body); may be a secret: ${PARTNER_WEBHOOK_URL}'),
    secret: SecretText.optional().describe('Signing secret of the webhook (X-Cairn-Signature, HMAC-SHA256); without it the body is not signed'),
    slack: HttpUrl.optional().describe('A Slack incoming webhook URL; a secret: write ${SLACK_SUBSCRIBER_WEBHOOK}'),
    discord: HttpUrl.optional().describe('A Discord webhook URL; a secret: write ${DISCORD_SUBSCRIBER_WEBHOOK}'),
    emails: SubscriberEmails.optional(),
    components: z.array(Id).min(1).optional().describe('Components this subscriber follows (default: all)'),
    ...channelCommon,
  })
  .superRefine((s, ctx) => {
    const given = (['webhook', 'slack', 'discord', 'emails'] as const).filter((k) => s[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [], message: `expected exactly one of "webhook", "slack", "discord" or "emails"${given.length > 1 ? ` (got ${given.join(', ')})` : ''}` });
    }
    if (s.secret !== undefined && s.webhook === undefined) ctx.addIssue({ code: 'custom', path: ['secret'], message: '"secret" signs a webhook: give it with "webhook" only' });
  })
  .describe('A subscriber: one webhook, Slack or Discord webhook, or a list of email addresses, with the components it follows');

export const Subscribers = z
  .strictObject({
    smtp: z
      .strictObject({
        host: z.string().min(1).describe('SMTP server host'),
        port: z.number().int().min(1).max(65535).optional().describe('SMTP port (default 465 when secure, else 587)'),
        secure: z.boolean().optional().describe('true: TLS from the start (port 465); false (default): STARTTLS when the server offers it'),
        user: SecretText.optional().describe('SMTP user; write ${SMTP_USER}'),
        pass: SecretText.optional().describe('SMTP password; a secret: write ${SMTP_PASSWORD}'),
        from: z.string().min(3).describe('Sender, e.g. "Acme Status <status@acme.com>"'),
      })
      .optional()
      .describe('How subscriber emails are sent (needed when a subscriber has "emails")'),
    unsubscribe: z
      .string()
      .regex(/^(mailto:[^\s@]+@[^\s@]+|https?:\/\/\S+)$/, { message: 'expected a mailto: address or an http(s) URL' })
      .optional()
      .describe('Where an email subscriber asks to leave: mailto:status@acme.com?subject=unsubscribe or a URL with instructions (List-Unsubscribe header and a line in each email)'),
    list: z.array(Subscriber).describe('The subscribers'),
  })
  .describe('Subscribers told of incident updates and maintenance for the components they follow, once per update (cairn.yaml only)');

// ---------------------------------------------------------------------------------------------
// Remote write (cairn.yaml only): every check result also sent to Prometheus (src/remote-write).

export const RemoteWriteEndpoint = z
  .strictObject({
    name: Id.optional().describe('Name of the endpoint in messages and in its cursor file data/state/remote-write.<name>.json (default: "rw-" and 8 hex digits of a digest of the url)'),
    url: HttpUrl.describe(
      'Full remote-write URL: http://prometheus:9090/api/v1/write (Prometheus started with --web.enable-remote-write-receiver), https://mimir.acme.com/api/v1/push, http://victoriametrics:8428/api/v1/write',
    ),
    bearerToken: z.string().min(1).optional().describe('Bearer token sent as "Authorization: Bearer"; write a ${ENV} secret, never the token itself'),
    basicAuth: z
      .strictObject({
        username: z.string().min(1).describe('Basic-auth user name'),
        password: z.string().min(1).describe('Basic-auth password; write a ${ENV} secret'),
      })
      .optional()
      .describe('HTTP basic authentication (or give bearerToken)'),
    headers: Headers.optional().describe('Extra request headers, e.g. { X-Scope-OrgID: acme } for a Mimir or Cortex tenant; values are treated as secrets (redacted from output)'),
    timeout: PositiveDuration.optional().describe('Timeout of one request (default 30s, as Prometheus\'s own remote_timeout)'),
    labels: z.record(z.string(), z.string()).optional().describe('Static labels added to every series, e.g. { env: prod }; not job, instance, check, component, kind, region or phase (Cairn sets those)'),
    job: z.string().min(1).optional().describe('Value of the "job" label (default "cairn")'),
    backlog: Duration.optional().describe(
      'How far back stored runs that were not sent (the receiver was down) are sent by later runs (default 1h: what Prometheus and Mimir accept without out_of_order_time_window; 0: only the current run)',
    ),
  })
  .refine((e) => e.bearerToken === undefined || e.basicAuth === undefined, {
    path: ['basicAuth'],
    message: 'expected bearerToken or basicAuth, not both',
  })
  .describe('A Prometheus remote-write receiver (protocol 1.0): Prometheus, Mimir, Cortex, Thanos Receive, VictoriaMetrics');

export const CairnFile = z
  .strictObject({
    $schema: z.string().optional(),
    site: Site.optional(),
    defaults: Defaults.optional(),
    groups: z.array(Group).optional(),
    checks: z.array(Check).optional(),
    maintenance: z.array(Maintenance).optional(),
    incidents: IncidentSettings.optional(),
    prometheus: z
      .union([PrometheusEndpoint, z.array(PrometheusEndpoint).min(1)])
      .optional()
      .describe('Prometheus-compatible endpoint(s) that `cairn slo` queries (cairn.yaml only)'),
    slos: z.array(Slo).optional().describe('Service level objectives computed from Prometheus or from the checks (cairn.yaml only)'),
    capacity: z.array(CapacityResource).optional().describe('Capacity forecasts from Prometheus (cairn.yaml only)'),
    store: Store.optional(),
    notifications: Notifications.optional(),
    reports: Reports.optional(),
    pages: Pages.optional(),

    subscribers: Subscribers.optional(),
    remoteWrite: z
      .union([RemoteWriteEndpoint, z.array(RemoteWriteEndpoint).min(1)])
      .optional()
      .describe('Remote-write receiver(s) every check result is also sent to, as blackbox_exporter-style series (cairn.yaml only)'),
  })
  .describe('A Cairn configuration file: cairn.yaml (site settings) or checks/*.yaml (checks)');

export type CheckConfigInput = z.input<typeof Check>;
export type CheckConfig = z.output<typeof Check>;
export type HttpCheckConfig = z.output<typeof HttpCheck>;
export type TcpCheckConfig = z.output<typeof TcpCheck>;
export type HealthCheckConfig = z.output<typeof HealthCheck>;
export type JourneyCheckConfig = z.output<typeof JourneyCheck>;
export type JourneyStepConfig = z.output<typeof JourneyStep>;
export type AssertionsConfig = z.output<typeof Assertions>;
export type TlsCheckConfig = z.output<typeof TlsCheck>;
export type DnsCheckConfig = z.output<typeof DnsCheck>;
export type PingCheckConfig = z.output<typeof PingCheck>;
export type DomainCheckConfig = z.output<typeof DomainCheck>;
export type HeartbeatCheckConfig = z.output<typeof HeartbeatCheck>;
export type CairnFileConfig = z.output<typeof CairnFile>;
export type MaintenanceConfig = z.output<typeof Maintenance>;
export type PrometheusEndpointConfig = z.output<typeof PrometheusEndpoint>;
export type SloConfig = z.output<typeof Slo>;
export type CapacityConfig = z.output<typeof CapacityResource>;
export type SubscribersConfig = z.output<typeof Subscribers>;
export type RemoteWriteEndpointConfig = z.output<typeof RemoteWriteEndpoint>;

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
