import { describe, expect, it } from 'vitest';
import { CairnFile, jsonSchema, parseDuration } from './schema.ts';

type JsonSchema = Record<string, unknown>;

const KEYWORDS = new Set([
  '$schema', '$id', '$ref', '$defs', 'definitions', 'title', 'description', 'default', 'examples',
  'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'propertyNames',
  'items', 'minItems', 'maxItems', 'anyOf', 'oneOf', 'allOf', 'not',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'format',
]);
const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

/** Checks that `node` is a well-formed draft-07 schema; returns the problems found, by JSON pointer. */
function schemaProblems(node: unknown, at = '#'): string[] {
  if (typeof node === 'boolean') return [];
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [`${at}: not a schema`];
  const schema = node as JsonSchema;
  const problems: string[] = [];
  for (const key of Object.keys(schema)) if (!KEYWORDS.has(key)) problems.push(`${at}: unknown keyword ${key}`);
  const types = schema['type'] === undefined ? [] : ([] as unknown[]).concat(schema['type']);
  for (const t of types) if (!TYPES.has(t as string)) problems.push(`${at}: bad type ${String(t)}`);
  if (schema['pattern'] !== undefined) {
    try {
      new RegExp(schema['pattern'] as string, 'u');
    } catch {
      problems.push(`${at}: pattern does not compile`);
    }
  }
  const properties = (schema['properties'] ?? {}) as Record<string, unknown>;
  for (const [name, sub] of Object.entries(properties)) problems.push(...schemaProblems(sub, `${at}/properties/${name}`));
  for (const name of (schema['required'] ?? []) as string[]) {
    if (!(name in properties)) problems.push(`${at}: required ${name} is not a property`);
  }
  for (const key of ['items', 'additionalProperties', 'propertyNames', 'not']) {
    if (schema[key] !== undefined) problems.push(...schemaProblems(schema[key], `${at}/${key}`));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    ((schema[key] ?? []) as unknown[]).forEach((sub, i) => problems.push(...schemaProblems(sub, `${at}/${key}/${i}`)));
  }
  return problems;
}

function prop(schema: JsonSchema, ...names: string[]): JsonSchema {
  return names.reduce((s, name) => (s['properties'] as Record<string, JsonSchema>)[name] as JsonSchema, schema);
}

describe('jsonSchema', () => {
  const schema = jsonSchema();

  it('is a well-formed draft-07 JSON Schema that survives JSON', () => {
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema['$id']).toBe('https://cairn.dev/schema/cairn.json');
    expect(schemaProblems(schema)).toEqual([]);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('describes every section, and allows no other keys where the loader does not', () => {
    expect(schema['type']).toBe('object');
    expect(Object.keys(schema['properties'] as object)).toEqual(['$schema', 'site', 'defaults', 'groups', 'checks', 'maintenance', 'incidents', 'prometheus', 'slos', 'capacity', 'store', 'notifications', 'reports', 'pages', 'subscribers', 'remoteWrite']);
    expect(schema['additionalProperties']).toBe(false);
    expect(((prop(schema, 'pages')['items'] as JsonSchema)['required'] as string[]).sort()).toEqual(['id', 'title']);
    expect((prop(schema, 'pages')['items'] as JsonSchema)['additionalProperties']).toBe(false);
    expect(prop(schema, 'site')['additionalProperties']).toBe(false);
    expect(prop(schema, 'site')['required']).toEqual(['title']);
    expect(prop(schema, 'defaults')['additionalProperties']).toBe(false);
    expect((prop(schema, 'groups')['items'] as JsonSchema)['additionalProperties']).toBe(false);
  });

  it('offers each check kind with its own fields, strictly', () => {
    const kinds = (prop(schema, 'checks')['items'] as JsonSchema)['oneOf'] as JsonSchema[];
    expect(kinds.map((k) => prop(k, 'kind')['const'])).toEqual(['http', 'tcp', 'tls', 'dns', 'ping', 'health', 'journey', 'domain', 'heartbeat']);
    for (const kind of kinds) {
      expect(kind['additionalProperties']).toBe(false);
      expect(prop(kind, 'id')['pattern']).toBe('^[a-z0-9][a-z0-9_-]{0,63}$');
    }
    expect(kinds[0]?.['required']).toEqual(['id', 'kind', 'url']);
    expect(kinds[1]?.['required']).toEqual(['id', 'kind', 'host', 'port']);
  });

  it('describes durations as milliseconds or a string with a unit', () => {
    const interval = prop(schema, 'defaults', 'interval');
    expect(interval['anyOf']).toEqual([
      { type: 'number', minimum: 1 },
      { type: 'string', pattern: expect.any(String) as unknown },
    ]);
    const pattern = new RegExp(((interval['anyOf'] as JsonSchema[])[1] as JsonSchema)['pattern'] as string);
    expect(['30s', '5m', '1.5h', '500ms', '2d', '0.5s'].every((d) => pattern.test(d))).toBe(true);
    // An interval (like a timeout or a threshold) of nothing at all is refused by editors too.
    expect(['5 minutes', '10', 'm', '0s', '0.0m', '00ms'].some((d) => pattern.test(d))).toBe(false);
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    [' 10 s ', 10_000],
    [1234, 1234],
    [0, 0],
  ])('%j is %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', '10', 'm', '5 minutes', '-5s', '1e3ms', -1, Number.NaN, Number.POSITIVE_INFINITY])('%j is not a duration', (input) => {
    expect(parseDuration(input)).toBeNull();
  });
});

describe('CairnFile', () => {
  it('parses a complete file, turning durations into milliseconds', () => {
    const parsed = CairnFile.parse({
      site: { title: 'Acme', timeZone: 'Europe/Berlin', baseUrl: 'https://acme.example/status/', locale: 'de' },
      defaults: { interval: '5m', timeout: 10_000, maxGap: '15m', deadline: '4m', thresholds: { degraded: '2s' } },
      groups: [{ id: 'core', name: 'Core', components: ['api', { id: 'db', name: 'Database' }] }],
      checks: [
        { id: 'api', kind: 'http', url: 'https://api.example/health', expectStatus: [200, '3xx', '200-299'], followRedirects: 3 },
        { id: 'db', kind: 'tcp', host: 'db.internal', port: 5432, interval: '1m' },
      ],
    });
    expect(parsed.defaults).toEqual({ interval: 300_000, timeout: 10_000, maxGap: 900_000, deadline: 240_000, thresholds: { degraded: 2000 } });
    expect(parsed.checks?.[1]).toMatchObject({ kind: 'tcp', interval: 60_000 });
  });

  it.each([
    ['an ftp URL', { id: 'a', kind: 'http', url: 'ftp://example.com/' }],
    ['a relative URL', { id: 'a', kind: 'http', url: '/health' }],
    ['an id with capitals', { id: 'Api', kind: 'http', url: 'https://a.example' }],
    ['a status class out of range', { id: 'a', kind: 'http', url: 'https://a.example', expectStatus: ['6xx'] }],
    ['port 0', { id: 'a', kind: 'tcp', host: 'h', port: 0 }],
    ['too many retries', { id: 'a', kind: 'tcp', host: 'h', port: 1, retries: 6 }],
  ])('rejects a check with %s', (_what, check) => {
    expect(CairnFile.safeParse({ checks: [check] }).success).toBe(false);
  });
});
