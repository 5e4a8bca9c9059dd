import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigErrors } from './errors.ts';
import { loadConfig, type LoadOptions } from './load.ts';
import type { ResolvedConfig, ResolvedHttpCheck, ResolvedTcpCheck } from './types.ts';
import { load, repo, yaml } from './test-repo.ts';

async function failure(files: Record<string, string>, opts: LoadOptions = {}): Promise<ConfigErrors> {
  try {
    await load(files, opts);
  } catch (err) {
    if (err instanceof ConfigErrors) return err;
    throw err;
  }
  throw new Error('expected loadConfig to throw ConfigErrors');
}

/** The error lines (`file:line:col: path: message`) of loading `files`. */
async function errors(files: Record<string, string>, opts: LoadOptions = {}): Promise<string[]> {
  return (await failure(files, opts)).errors.map((e) => e.toString());
}

const API_CHECK = yaml('checks:', '  - id: api', '    kind: http', '    url: https://api.example.com/health');

function http(config: ResolvedConfig, id: string): ResolvedHttpCheck {
  const check = config.checks.find((c) => c.id === id);
  if (check?.kind !== 'http') throw new Error(`no http check ${id}`);
  return check;
}

function tcp(config: ResolvedConfig, id: string): ResolvedTcpCheck {
  const check = config.checks.find((c) => c.id === id);
  if (check?.kind !== 'tcp') throw new Error(`no tcp check ${id}`);
  return check;
}

describe('loadConfig: YAML syntax', () => {
  it('reports a syntax error at its line and column', async () => {
    const out = await errors({ 'checks/a.yaml': yaml('checks:', '  - id: a', '   kind: http') });
    expect(out).toEqual(['checks/a.yaml:3:1: invalid YAML: sequence item without - indicator']);
  });

  it('reports an unclosed flow sequence', async () => {
    const out = await errors({ 'checks/a.yaml': yaml('checks: [a, b') });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^checks\/a\.yaml:2:1: invalid YAML: /);
  });

  it('reports a duplicate key at the second occurrence, naming the first', async () => {
    const out = await errors({
      'checks/a.yaml': yaml('checks:', '  - id: a', '    kind: http', '    url: https://a.example', '    timeout: 1s', '    timeout: 2s'),
    });
    expect(out).toEqual([
      'checks/a.yaml:6:5: duplicate key "timeout" (first defined at line 5): a key may appear only once in a mapping',
    ]);
  });

  it('reports a second document in one file', async () => {
    const out = await errors({ 'checks/a.yaml': `${API_CHECK}---\nchecks: []\n` });
    expect(out).toEqual(['checks/a.yaml:5:1: invalid YAML: expected one document per file, found a "---" that starts another']);
  });

  it('reports an alias that refers to no anchor', async () => {
    const out = await errors({ 'checks/a.yaml': yaml('checks:', '  - id: a', '    kind: http', '    url: *nowhere') });
    expect(out).toEqual(['checks/a.yaml:4:10: invalid YAML: alias "*nowhere" refers to no anchor "&nowhere"']);
  });

  it('follows anchors and aliases, and points into the anchored node', async () => {
    const out = await errors({
      'checks/a.yaml': yaml(
        'checks:',
        '  - id: a',
        '    kind: http',
        '    url: https://a.example',
        '    headers: &common',
        '      X-Retries: 3',
        '  - id: b',
        '    kind: http',
        '    url: https://b.example',
        '    headers: *common',
      ),
    });
    expect(out).toEqual([
      'checks/a.yaml:6:18: checks[0].headers["X-Retries"]: expected string, got number 3',
      'checks/a.yaml:6:18: checks[1].headers["X-Retries"]: expected string, got number 3',
    ]);
  });

  it('counts columns on the first line without a byte-order mark', async () => {
    const out = await errors({ 'checks/a.yaml': `\uFEFF${yaml('chekcs: []')}` });
    expect(out).toEqual(['checks/a.yaml:1:1: chekcs: unknown field "chekcs" (did you mean "checks"?); expected one of: $schema, checks, groups, maintenance']);
  });

  it('rejects a top level that is a list, with a hint', async () => {
    const out = await errors({ 'checks/a.yaml': yaml('- id: api', '  kind: http', '  url: https://a.example') });
    expect(out).toEqual([
      'checks/a.yaml:1:1: expected a mapping at the top level (keys: checks, groups, maintenance), got a list; put the list of checks under a "checks:" key',
    ]);
  });

  it('rejects a top level that is a single value', async () => {
    const out = await errors({ 'cairn.yaml': yaml('just text'), 'checks/a.yaml': API_CHECK });
    expect(out).toEqual(['cairn.yaml:1:1: expected a mapping at the top level (keys: site, defaults, groups, checks), got a single value']);
  });

  it('treats an empty checks file (or one of comments only) as a warning', async () => {
    const config = await load({ 'cairn.yaml': yaml('site:', '  title: T'), 'checks/a.yaml': API_CHECK, 'checks/empty.yaml': '', 'checks/notes.yaml': '# nothing yet\n' });
    expect(config.checks.map((c) => c.id)).toEqual(['api']);
    expect(config.warnings).toEqual([
      { location: { file: 'checks/empty.yaml', line: 1, column: 1 }, path: '', message: 'the file is empty: it defines no checks' },
      { location: { file: 'checks/notes.yaml', line: 1, column: 1 }, path: '', message: 'the file is empty: it defines no checks' },
    ]);
  });
});

describe('loadConfig: schema errors', () => {
  it('names an unknown key at the key itself, suggests the closest one and lists the allowed ones', async () => {
    const out = await errors({
      'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: https://a.example', '    timout: 5s'),
    });
    expect(out).toEqual([
      'checks/a.yaml:5:5: checks[0].timout: unknown field "timout" (did you mean "timeout"?); expected one of: ' +
        'id, name, description, component, interval, timeout, retries, enabled, dependsOn, kind, url, method, headers, query, body, json, form, followRedirects, ' +
        'maxBodyBytes, assert, expectStatus, ca, insecureSkipVerify, thresholds',
    ]);
  });

  it('lists the keys of the check kind at hand', async () => {
    const out = await errors({
      'checks/a.yaml': yaml('checks:', '  - id: db', '    kind: tcp', '    host: db.internal', '    port: 5432', '    url: https://x.example'),
    });
    expect(out).toEqual([
      'checks/a.yaml:6:5: checks[0].url: unknown field "url"; expected one of: ' +
        'id, name, description, component, interval, timeout, retries, enabled, dependsOn, kind, host, port, send, expect, readTimeout, maxBytes, tls, servername, ca, insecureSkipVerify, thresholds',
    ]);
  });

  it('suggests the top-level key a checks/ file allows', async () => {
    const out = await errors({ 'checks/a.yaml': yaml('check:', '  - id: api') });
    expect(out).toEqual(['checks/a.yaml:1:1: check: unknown field "check" (did you mean "checks"?); expected one of: $schema, checks, groups, maintenance']);
  });

  it('says what type was expected and what was found', async () => {
    const out = await errors({
      'checks/a.yaml': yaml('checks:', '  - id: db', '    kind: tcp', '    host: db.internal', '    port: abc', '    enabled: nope'),
    });
    expect(out).toEqual([
      'checks/a.yaml:5:11: checks[0].port: expected number, got string "abc"',
      'checks/a.yaml:6:14: checks[0].enabled: expected boolean, got string "nope"',
    ]);
  });

  it('reports numbers out of range and lists of the wrong shape', async () => {
    const out = await errors({
      'checks/a.yaml': yaml(
        'checks:',
        '  - id: db',
        '    kind: tcp',
        '    host: db.internal',
        '    port: 70000',
        '    retries: 1.5',
        '  - id: web',
        '    kind: http',
        '    url: https://web.example',
        '    expectStatus: []',
        '    headers: [a]',
      ),
    });
    expect(out).toEqual([
      'checks/a.yaml:5:11: checks[0].port: expected a number <= 65535, got 70000',
      'checks/a.yaml:6:14: checks[0].retries: expected an integer, got number 1.5',
      'checks/a.yaml:10:19: checks[1].expectStatus: expected at least 1 item, got an empty list',
      'checks/a.yaml:11:14: checks[1].headers: expected a mapping, got a list of 1',
    ]);
  });

  it('reports a bad URL with the value found', async () => {
    const out = await errors({ 'checks/broken.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: foo') });
    expect(out).toEqual(['checks/broken.yaml:4:10: checks[0].url: expected an absolute http:// or https:// URL, got "foo"']);
  });

  it('reports a bad duration, wherever durations appear', async () => {
    const out = await errors({
      'cairn.yaml': yaml('defaults:', '  interval: 5 minutes', '  thresholds:', '    degraded: -1'),
      'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: https://a.example', '    timeout: true'),
    });
    // Intervals, thresholds and timeouts take a duration longer than nothing.
    const expected = 'expected a duration of at least 1ms, such as "500ms", "30s", "5m", "1h" or a number of milliseconds';
    expect(out).toEqual([
      `cairn.yaml:2:13: defaults.interval: ${expected}, got "5 minutes"`,
      `cairn.yaml:4:15: defaults.thresholds.degraded: ${expected}, got -1`,
      `checks/a.yaml:5:14: checks[0].timeout: ${expected}, got true`,
    ]);
  });

  it('says which check kinds exist when the kind is unknown, with a suggestion', async () => {
    const out = await errors({
      'checks/a.yaml': yaml('checks:', '  - id: a', '    kind: ftp', '  - id: b', '    kind: htp', '    url: https://b.example'),
    });
    expect(out).toEqual([
      'checks/a.yaml:3:11: checks[0].kind: expected one of "http", "tcp", "tls", "dns", "ping", "health", "journey", "domain", "heartbeat", got string "ftp"',
      'checks/a.yaml:5:11: checks[1].kind: expected one of "http", "tcp", "tls", "dns", "ping", "health", "journey", "domain", "heartbeat", got string "htp"; did you mean "http"?',
    ]);
  });

  it('points a missing required field at its parent mapping and names the field', async () => {
    const out = await errors({
      'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '  - id: other', '    url: https://x.example'),
    });
    expect(out).toEqual([
      'checks/a.yaml:2:5: checks[0]: missing required field "url" (expected string)',
      'checks/a.yaml:4:5: checks[1]: missing required field "kind" (expected one of "http", "tcp", "tls", "dns", "ping", "health", "journey", "domain", "heartbeat")',
    ]);
  });

  it('points an empty value at its key', async () => {
    const out = await errors({ 'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url:') });
    expect(out).toEqual(['checks/a.yaml:4:5: checks[0].url: expected string, got an empty value']);
  });

  it('explains a value that matches none of the accepted types', async () => {
    const out = await errors({
      'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: https://a.example', '    followRedirects: sometimes'),
    });
    expect(out).toEqual(['checks/a.yaml:5:22: checks[0].followRedirects: expected boolean or number, got string "sometimes"']);
  });

  it('validates enums, ids, status codes, time zones and locales', async () => {
    const out = await errors({
      'cairn.yaml': yaml('site:', '  title: Acme', '  timeZone: Mars/Olympus', '  locale: "not a locale!"'),
      'checks/a.yaml': yaml(
        'checks:',
        '  - id: Bad Id',
        '    kind: http',
        '    url: https://a.example',
        '    method: get',
        '    expectStatus: [200, 2x, 99]',
      ),
    });
    expect(out).toEqual([
      'cairn.yaml:3:13: site.timeZone: expected an IANA time zone such as "UTC" or "Europe/Berlin", got "Mars/Olympus"',
      'cairn.yaml:4:11: site.locale: expected a BCP 47 locale such as "en-US" or "de", got "not a locale!"',
      'checks/a.yaml:2:9: checks[0].id: expected an id of lowercase letters, digits, "-" and "_" (1 to 64 characters, starting with a letter or digit), got "Bad Id"',
      'checks/a.yaml:5:13: checks[0].method: expected one of "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", got string "get"; did you mean "GET"?',
      'checks/a.yaml:6:25: checks[0].expectStatus[1]: expected a status code (200), a class ("2xx") or a range ("200-399"), got "2x"',
      'checks/a.yaml:6:29: checks[0].expectStatus[2]: expected a number >= 100, got 99',
    ]);
  });

  it.each([
    ['full', { mode: 'full' }],
    ['share', { mode: 'share' }],
    ['weighted:0.3', { mode: 'weighted', weight: 0.3 }],
    ['weighted:1', { mode: 'weighted', weight: 1 }],
    ['weighted:0', { mode: 'weighted', weight: 0 }],
  ])('reads defaults.partialOutage %s', async (text, rule) => {
    const config = await load({ 'cairn.yaml': yaml('defaults:', `  partialOutage: "${text}"`), 'checks/a.yaml': API_CHECK });
    expect(config.run.partialOutage).toEqual(rule);
  });

  it.each(['weighted:1.5', 'weighted', 'half', 'weighted:-0.1', 'weighted:abc'])('rejects defaults.partialOutage %s at the value', async (text) => {
    expect(await errors({ 'cairn.yaml': yaml('defaults:', `  partialOutage: "${text}"`), 'checks/a.yaml': API_CHECK })).toEqual([
      `cairn.yaml:2:18: defaults.partialOutage: expected "full", "share" or "weighted:<fraction from 0 to 1>" such as "weighted:0.3", got "${text}"`,
    ]);
  });

  it('reports a check that is not a mapping', async () => {
    const out = await errors({ 'checks/a.yaml': yaml('checks:', '  - api') });
    expect(out).toEqual(['checks/a.yaml:2:5: checks[0]: expected a mapping, got string "api"']);
  });

  it('reports many errors across files at once, in file order then position', async () => {
    const failure_ = await failure({
      'cairn.yaml': yaml('site:', '  title: ""', 'defaults:', '  retries: 9'),
      'checks/b.yaml': yaml('checks:', '  - id: b', '    kind: tcp', '    host: b.internal'),
      'checks/a.yaml': yaml('checks:', '  - id: a', '    kind: http', '    url: nope'),
    });
    const lines = failure_.errors.map(String);
    expect(lines).toEqual([
      'cairn.yaml:2:10: site.title: expected a non-empty string, got ""',
      'cairn.yaml:4:12: defaults.retries: expected a number <= 5, got 9',
      'checks/a.yaml:4:10: checks[0].url: expected an absolute http:// or https:// URL, got "nope"',
      'checks/b.yaml:2:5: checks[0]: missing required field "port" (expected number)',
    ]);
    expect(failure_.message).toBe(lines.join('\n'));
    expect(failure_.errors[2]).toMatchObject({ file: 'checks/a.yaml', line: 4, column: 10, path: 'checks[0].url' });
  });
});

describe('loadConfig: rules across files', () => {
  it('reports a duplicate check id at the second definition, naming the first', async () => {
    const out = await errors({
      'checks/a.yaml': API_CHECK,
      'checks/b.yaml': yaml('checks:', '  - id: web', '    kind: http', '    url: https://web.example', '  - id: api', '    kind: tcp', '    host: h', '    port: 1'),
    });
    expect(out).toEqual(['checks/b.yaml:5:9: checks[1].id: duplicate check id "api" (first defined at checks/a.yaml:2:9)']);
  });

  it('finds duplicate ids even in a file with other errors', async () => {
    const out = await errors({
      'checks/a.yaml': API_CHECK,
      'checks/b.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: bad'),
    });
    expect(out).toEqual([
      'checks/b.yaml:2:9: checks[0].id: duplicate check id "api" (first defined at checks/a.yaml:2:9)',
      'checks/b.yaml:4:10: checks[0].url: expected an absolute http:// or https:// URL, got "bad"',
    ]);
  });

  it('reports duplicate group ids and a component listed in two groups', async () => {
    const out = await errors({
      'cairn.yaml': yaml('groups:', '  - id: core', '    name: Core', '    components: [api, db]'),
      'checks/a.yaml': yaml(
        API_CHECK.trimEnd(),
        'groups:',
        '  - id: core',
        '    name: Core again',
        '    components: [web]',
        '  - id: data',
        '    name: Data',
        '    components:',
        '      - id: db',
        '        name: Database',
      ),
    });
    expect(out).toEqual([
      'checks/a.yaml:6:9: groups[0].id: duplicate group id "core" (first defined at cairn.yaml:2:9)',
      'checks/a.yaml:12:9: groups[1].components[0]: component "db" is already in group "core" (at cairn.yaml:4:23); a component belongs to one group',
    ]);
  });

  it('rejects site and defaults in a checks/ file, at the key', async () => {
    const out = await errors({
      'checks/a.yaml': yaml(API_CHECK.trimEnd(), 'site:', '  title: Nope', 'defaults:', '  interval: 1m'),
    });
    expect(out).toEqual([
      'checks/a.yaml:5:1: site: expected "site" only in cairn.yaml, found it in a checks/ file (a checks/ file may hold $schema, checks, groups, maintenance)',
      'checks/a.yaml:7:1: defaults: expected "defaults" only in cairn.yaml, found it in a checks/ file (a checks/ file may hold $schema, checks, groups, maintenance)',
    ]);
  });

  it('requires at least one check in the repo, naming the checks/ folder', async () => {
    const failure_ = await failure({ 'cairn.yaml': yaml('site:', '  title: Acme') });
    expect(failure_.errors.map(String)).toEqual([
      'checks/: expected at least one check, found none: add a YAML file with a "checks:" list to checks/ (or SLOs from Prometheus to cairn.yaml)',
    ]);
    expect(failure_.errors[0]).toMatchObject({ file: 'checks/', line: 0, column: 0, path: '' });
  });

  it('does not claim there are no checks when a file could not be read as YAML', async () => {
    const out = await errors({ 'checks/a.yaml': yaml('checks:', '  - id: a', '   kind: http') });
    expect(out).toHaveLength(1);
    expect(out[0]).not.toContain('no checks');
  });

  it('fails clearly when the folder does not exist', async () => {
    const dir = path.join(await repo({}), 'missing');
    await expect(loadConfig(dir, { env: {} })).rejects.toThrow(`.: expected a status repo folder, found none at ${dir}`);
  });
});

describe('loadConfig: environment substitution', () => {
  const SECRET_CHECKS = yaml(
    'checks:',
    '  - id: api',
    '    kind: http',
    '    url: https://${API_HOST}/health?key=${API_KEY}',
    '    headers:',
    '      Authorization: Bearer ${API_TOKEN}',
    '  - id: db',
    '    kind: tcp',
    '    host: ${DB_HOST}',
    '    port: ${DB_PORT}',
  );
  const ENV = {
    API_HOST: 'api.example.com',
    API_KEY: 'k3y-0f-the-api',
    API_TOKEN: 'tok/en+with=chars',
    DB_HOST: 'db.internal',
    DB_PORT: '5432',
  };

  it('substitutes ${NAME} in every string value and registers the values as secrets', async () => {
    const config = await load({ 'checks/a.yaml': SECRET_CHECKS }, { env: ENV });
    const api = http(config, 'api');
    expect(api.url).toBe('https://api.example.com/health?key=k3y-0f-the-api');
    expect(api.headers).toEqual({ Authorization: 'Bearer tok/en+with=chars' });
    expect(tcp(config, 'db')).toMatchObject({ host: 'db.internal', port: 5432 });
    expect(config.redactor.redact(`GET ${api.url} with ${api.headers['Authorization']}`)).toBe(
      'GET https://[REDACTED]/health?key=[REDACTED] with Bearer [REDACTED]',
    );
    // URL-encoded form too, as it appears once the value is put in a URL.
    expect(config.redactor.redact('token=tok%2Fen%2Bwith%3Dchars')).toBe('token=[REDACTED]');
  });

  it('reads a whole ${NAME} as a number where the schema wants one, and does not treat that number as a secret', async () => {
    const config = await load(
      {
        'cairn.yaml': yaml('defaults:', '  retries: ${RETRIES}', '  degradedCountsAsUp: "${COUNT_DEGRADED}"', '  interval: ${INTERVAL}'),
        'checks/a.yaml': SECRET_CHECKS,
      },
      { env: { ...ENV, RETRIES: '3', COUNT_DEGRADED: 'false', INTERVAL: '60000' } },
    );
    expect(config.run).toMatchObject({ retries: 3, degradedCountsAsUp: false, intervalMs: 60_000 });
    expect(config.redactor.redact('took 5432 ms, 60000 ms')).toBe('took 5432 ms, 60000 ms');
  });

  it('keeps a number-like value a string where the schema wants a string', async () => {
    const config = await load(
      { 'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: https://a.example', '    headers:', '      X-Pin: ${PIN}') },
      { env: { PIN: '123456' } },
    );
    expect(http(config, 'api').headers).toEqual({ 'X-Pin': '123456' });
    expect(config.redactor.redact('pin 123456')).toBe('pin [REDACTED]');
  });

  it('reports an unset variable by name and position, never showing any value', async () => {
    const failure_ = await failure({ 'checks/a.yaml': SECRET_CHECKS }, { env: { ...ENV, API_KEY: undefined, DB_PORT: undefined } });
    const lines = failure_.errors.map(String);
    expect(lines).toEqual([
      'checks/a.yaml:4:10: checks[0].url: environment variable API_KEY is not set (referenced as ${API_KEY}; write $${API_KEY} for a literal)',
      'checks/a.yaml:10:11: checks[1].port: environment variable DB_PORT is not set (referenced as ${DB_PORT}; write $${DB_PORT} for a literal)',
    ]);
    for (const value of Object.values(ENV)) expect(failure_.message).not.toContain(value);
  });

  it('never quotes a secret in a validation message', async () => {
    const failure_ = await failure(
      { 'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: ${API_URL}', '    timeout: ${TIMEOUT}') },
      { env: { API_URL: 'not-a-url-hunter2', TIMEOUT: 'soon-hunter3' } },
    );
    expect(failure_.errors.map(String)).toEqual([
      'checks/a.yaml:4:10: checks[0].url: expected an absolute http:// or https:// URL, got "[REDACTED]"',
      'checks/a.yaml:5:14: checks[0].timeout: expected a duration of at least 1ms, such as "500ms", "30s", "5m", "1h" or a number of milliseconds, got "[REDACTED]"',
    ]);
    expect(failure_.message).not.toMatch(/hunter/);
  });

  it('writes $${NAME} as a literal ${NAME}', async () => {
    const config = await load(
      { 'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: https://a.example', '    body: \'{"user": "$${USER}", "home": "${HOME_DIR}"}\'') },
      { env: { USER: 'should-not-appear', HOME_DIR: '/home/me' } },
    );
    expect(http(config, 'api').body).toEqual({ type: 'text', text: '{"user": "${USER}", "home": "/home/me"}' });
    expect(config.redactor.redact('${USER} should-not-appear /home/me')).toBe('${USER} should-not-appear [REDACTED]');
  });

  it('leaves keys alone', async () => {
    const config = await load(
      { 'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: https://a.example', '    headers:', '      ${HEADER}: x') },
      { env: { HEADER: 'X-Replaced' } },
    );
    expect(http(config, 'api').headers).toEqual({ '${HEADER}': 'x' });
  });

  it('rejects a malformed reference and says how to escape it', async () => {
    const out = await errors({ 'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: https://a.example', '    body: "${1X} and ${"') });
    expect(out).toEqual([
      'checks/a.yaml:5:11: checks[0].body: expected an environment reference such as ${API_TOKEN} (a name of letters, digits and "_", not starting with a digit), got "${1X}"; write $${ for a literal "${"',
      'checks/a.yaml:5:11: checks[0].body: expected an environment reference such as ${API_TOKEN} (a name of letters, digits and "_", not starting with a digit), got "${"; write $${ for a literal "${"',
    ]);
  });

  it('with missingEnv "keep", leaves an unset ${NAME} as written and does not fail', async () => {
    const config = await load({ 'checks/a.yaml': SECRET_CHECKS }, { env: { ...ENV, API_KEY: undefined, API_TOKEN: undefined }, missingEnv: 'keep' });
    const api = http(config, 'api');
    expect(api.url).toBe('https://api.example.com/health?key=${API_KEY}');
    expect(api.headers).toEqual({ Authorization: 'Bearer ${API_TOKEN}' });
    expect(config.redactor.redact('api.example.com')).toBe('[REDACTED]');
  });

  it('with missingEnv "keep", still reports a value that is invalid without its variable', async () => {
    const out = await errors({ 'checks/a.yaml': SECRET_CHECKS }, { env: { ...ENV, DB_PORT: undefined }, missingEnv: 'keep' });
    expect(out).toEqual([
      'checks/a.yaml:10:11: checks[1].port: expected number, got string "${DB_PORT}" (the value uses an environment variable that is not set)',
    ]);
  });

  it('warns about a variable that is set but empty', async () => {
    const config = await load(
      { 'cairn.yaml': yaml('site:', '  title: T'), 'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: https://a.example/${SUFFIX}') },
      { env: { SUFFIX: '' } },
    );
    expect(config.warnings).toEqual([
      { location: { file: 'checks/a.yaml', line: 4, column: 10 }, path: 'checks[0].url', message: 'environment variable SUFFIX is set but empty' },
    ]);
  });

  it('reads process.env by default', async () => {
    const name = `CAIRN_TEST_${process.pid}`;
    process.env[name] = 'from-process-env';
    try {
      const dir = await repo({ 'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', `    url: https://a.example/\${${name}}`) });
      const config = await loadConfig(dir);
      expect(http(config, 'api').url).toBe('https://a.example/from-process-env');
    } finally {
      delete process.env[name];
    }
  });
});

describe('loadConfig: resolution', () => {
  it('applies the defaults when there is no cairn.yaml', async () => {
    const dir = await repo({ 'checks/a.yaml': yaml('checks:', '  - id: db', '    kind: tcp', '    host: db.internal', '    port: 5432') });
    const config = await loadConfig(dir, { env: {} });
    expect(config.dir).toBe(path.resolve(dir));
    expect(config.site).toEqual({ title: 'Status', description: null, timeZone: 'UTC', baseUrl: null, locale: 'en-US' });
    expect(config.run).toEqual({
      intervalMs: 300_000,
      timeoutMs: 10_000,
      retries: 1,
      maxGapMs: 900_000,
      concurrency: 20,
      deadlineMs: 300_000,
      perHostConcurrency: 4,
      degradedCountsAsUp: true,
      partialOutage: { mode: 'share' },
      regionRule: 'majority',
    });
    expect(config.checks).toEqual([
      {
        id: 'db',
        name: 'db',
        description: null,
        component: 'db',
        intervalMs: 300_000,
        timeoutMs: 10_000,
        retries: 1,
        maxGapMs: 900_000,
        enabled: true,
        thresholds: { degradedMs: null, downMs: null },
        source: { file: 'checks/a.yaml', line: 2, column: 5 },
        kind: 'tcp',
        host: 'db.internal',
        port: 5432,
        sendHex: null,
        expect: null,
        readTimeoutMs: null,
        maxBytes: 65_536,
        tls: false,
        servername: null,
        ca: null,
        caFile: null,
        insecureSkipVerify: false,
      },
    ]);
    expect(config.groups).toEqual([]);
    expect(config.components).toEqual([{ id: 'db', name: 'db', description: null, group: null, checks: ['db'] }]);
    // ... and says so (src/config/files.test.ts has the sentence).
    expect(config.warnings.map((w) => w.location)).toEqual([{ file: 'cairn.yaml', line: 0, column: 0 }]);
  });

  it('resolves http defaults and redirects', async () => {
    const config = await load({
      'checks/a.yaml': yaml(
        'checks:',
        '  - id: plain',
        '    kind: http',
        '    url: https://a.example',
        '  - id: no-follow',
        '    kind: http',
        '    url: https://b.example',
        '    followRedirects: false',
        '  - id: follow-two',
        '    kind: http',
        '    url: https://c.example',
        '    method: POST',
        '    body: "{}"',
        '    headers: { Content-Type: application/json }',
        '    expectStatus: [200, "3xx", "400-404"]',
        '    followRedirects: 2',
        '  - id: follow',
        '    kind: http',
        '    url: https://d.example',
        '    followRedirects: true',
      ),
    });
    expect(http(config, 'plain')).toMatchObject({ method: 'GET', headers: {}, expectStatus: ['2xx'], maxRedirects: 5 });
    expect(http(config, 'plain').body).toBeNull();
    expect(http(config, 'no-follow').maxRedirects).toBe(0);
    expect(http(config, 'follow-two')).toMatchObject({
      method: 'POST',
      body: { type: 'text', text: '{}' },
      headers: { 'Content-Type': 'application/json' },
      expectStatus: [200, '3xx', '400-404'],
      maxRedirects: 2,
    });
    expect(http(config, 'follow').maxRedirects).toBe(5);
  });

  it('merges settings, defaults and per-check overrides', async () => {
    const config = await load({
      'cairn.yaml': yaml(
        'site:',
        '  title: Acme Status',
        '  description: How Acme is doing',
        '  timeZone: Europe/Berlin',
        '  baseUrl: https://acme.github.io/status/',
        '  locale: de-DE',
        'defaults:',
        '  interval: 10m',
        '  timeout: 5s',
        '  retries: 2',
        '  concurrency: 4',
        '  deadline: 2m',
        '  degradedCountsAsUp: false',
        '  partialOutage: weighted:0.3',
        '  thresholds:',
        '    degraded: 1s',
        '    down: 4s',
      ),
      'checks/a.yaml': yaml(
        'checks:',
        '  - id: inherits',
        '    kind: tcp',
        '    host: h',
        '    port: 1',
        '  - id: overrides',
        '    name: Overrides',
        '    description: Its own settings',
        '    enabled: false',
        '    kind: tcp',
        '    host: h',
        '    port: 2',
        '    interval: 1h',
        '    timeout: 1500',
        '    retries: 0',
        '    thresholds: { down: 10s }',
      ),
    });
    expect(config.site).toEqual({
      title: 'Acme Status',
      description: 'How Acme is doing',
      timeZone: 'Europe/Berlin',
      baseUrl: 'https://acme.github.io/status/',
      locale: 'de-DE',
    });
    expect(config.run).toEqual({
      intervalMs: 600_000,
      timeoutMs: 5_000,
      retries: 2,
      maxGapMs: 1_800_000,
      concurrency: 4,
      deadlineMs: 120_000,
      perHostConcurrency: 4,
      degradedCountsAsUp: false,
      partialOutage: { mode: 'weighted', weight: 0.3 },
      regionRule: 'majority',
    });
    expect(tcp(config, 'inherits')).toMatchObject({
      name: 'inherits',
      description: null,
      enabled: true,
      intervalMs: 600_000,
      timeoutMs: 5_000,
      retries: 2,
      maxGapMs: 1_800_000,
      thresholds: { degradedMs: 1_000, downMs: 4_000 },
    });
    expect(tcp(config, 'overrides')).toMatchObject({
      name: 'Overrides',
      description: 'Its own settings',
      enabled: false,
      intervalMs: 3_600_000,
      timeoutMs: 1_500,
      retries: 0,
      maxGapMs: 3 * 3_600_000,
      thresholds: { degradedMs: 1_000, downMs: 10_000 },
    });
  });

  it('uses defaults.maxGap for every check when it is set', async () => {
    const config = await load({
      'cairn.yaml': yaml('defaults:', '  maxGap: 2h'),
      'checks/a.yaml': yaml('checks:', '  - id: a', '    kind: tcp', '    host: h', '    port: 1', '    interval: 1m'),
    });
    expect(config.run.maxGapMs).toBe(7_200_000);
    expect(tcp(config, 'a').maxGapMs).toBe(7_200_000);
  });

  it('orders checks by file name then position, and accepts .yml, cairn.yaml checks and skips other files', async () => {
    const check = (id: string) => [`  - id: ${id}`, '    kind: tcp', '    host: h', '    port: 1'];
    const config = await load({
      'cairn.yaml': yaml('checks:', ...check('in-settings')),
      'checks/b.yml': yaml('checks:', ...check('b1'), ...check('b2')),
      'checks/a.yaml': yaml('checks:', ...check('a1')),
      'checks/C.yaml': yaml('checks:', ...check('upper')),
      'checks/notes.md': 'not config',
      'checks/.hidden.yaml': 'not: [valid',
    });
    expect(config.checks.map((c) => [c.id, c.source.file, c.source.line])).toEqual([
      ['in-settings', 'cairn.yaml', 2],
      ['upper', 'checks/C.yaml', 2],
      ['a1', 'checks/a.yaml', 2],
      ['b1', 'checks/b.yml', 2],
      ['b2', 'checks/b.yml', 6],
    ]);
  });

  it('resolves groups and components in page order, with names and the checks of each', async () => {
    const config = await load({
      'cairn.yaml': yaml(
        'site: { title: Acme }',
        'groups:',
        '  - id: core',
        '    name: Core',
        '    description: What everything needs',
        '    components:',
        '      - api',
        '      - id: db',
        '        name: Database',
        '        description: Postgres',
      ),
      'checks/a.yaml': yaml(
        'checks:',
        '  - id: docs',
        '    name: Documentation',
        '    kind: http',
        '    url: https://docs.example',
        '  - id: db-replica',
        '    component: db',
        '    kind: tcp',
        '    host: replica',
        '    port: 5432',
        '  - id: api-eu',
        '    name: API (EU)',
        '    component: api',
        '    kind: http',
        '    url: https://eu.api.example',
      ),
      'checks/b.yaml': yaml(
        'groups:',
        '  - id: edge',
        '    name: Edge',
        '    components: [cdn]',
        'checks:',
        '  - id: api-us',
        '    component: api',
        '    kind: http',
        '    url: https://us.api.example',
        '  - id: db-primary',
        '    component: db',
        '    kind: tcp',
        '    host: primary',
        '    port: 5432',
        '  - id: cdn',
        '    kind: http',
        '    url: https://cdn.example',
        '  - id: status-mail',
        '    component: mail',
        '    kind: tcp',
        '    host: mail',
        '    port: 25',
      ),
    });
    expect(config.groups).toEqual([
      { id: 'core', name: 'Core', description: 'What everything needs', components: ['api', 'db'] },
      { id: 'edge', name: 'Edge', description: null, components: ['cdn'] },
    ]);
    expect(config.components).toEqual([
      { id: 'api', name: 'API (EU)', description: null, group: 'core', checks: ['api-eu', 'api-us'] },
      { id: 'db', name: 'Database', description: 'Postgres', group: 'core', checks: ['db-replica', 'db-primary'] },
      { id: 'cdn', name: 'cdn', description: null, group: 'edge', checks: ['cdn'] },
      { id: 'docs', name: 'Documentation', description: null, group: null, checks: ['docs'] },
      { id: 'mail', name: 'status-mail', description: null, group: null, checks: ['status-mail'] },
    ]);
    expect(config.warnings).toEqual([]);
  });

  it('warns about a component of a group that no check refers to', async () => {
    const config = await load({
      'cairn.yaml': yaml('groups:', '  - id: core', '    name: Core', '    components: [api, billing]'),
      'checks/a.yaml': API_CHECK,
    });
    expect(config.components.map((c) => [c.id, c.name, c.checks])).toEqual([
      ['api', 'api', ['api']],
      ['billing', 'billing', []],
    ]);
    expect(config.warnings).toEqual([
      {
        location: { file: 'cairn.yaml', line: 4, column: 23 },
        path: 'groups[0].components[1]',
        message: 'component "billing" is listed in group "core" but no check, SLO or capacity forecast has component: billing, so it will show no status',
      },
    ]);
  });

  it('accepts a cairn.yml and a $schema key', async () => {
    const config = await load({
      'cairn.yml': yaml('$schema: ./cairn.schema.json', 'site:', '  title: From yml'),
      'checks/a.yaml': yaml('$schema: ../cairn.schema.json', API_CHECK.trimEnd()),
    });
    expect(config.site.title).toBe('From yml');
  });

  it('rejects both cairn.yaml and cairn.yml', async () => {
    const out = await errors({ 'cairn.yaml': yaml('site: { title: A }'), 'cairn.yml': yaml('site: { title: B }'), 'checks/a.yaml': API_CHECK });
    expect(out).toEqual(['cairn.yml:1:1: expected one settings file, found both cairn.yaml and cairn.yml; cairn.yml is ignored, merge it into cairn.yaml']);
  });

  it('reads and never writes', async () => {
    const dir = await repo({ 'cairn.yaml': yaml('site: { title: Acme }'), 'checks/a.yaml': API_CHECK });
    const before = await snapshot(dir);
    await loadConfig(dir, { env: {} });
    expect(await snapshot(dir)).toEqual(before);
  });
});

async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  const out: string[] = [];
  for (const entry of entries.sort()) {
    const s = await stat(path.join(dir, entry));
    out.push(`${entry} ${s.size} ${s.mtimeMs}`);
  }
  return out;
}

describe('loadConfig: http assertions, health and journey checks', () => {
  it('resolves request bodies, query, TLS trust, the read cap and assertions', async () => {
    const config = await load(
      {
        'checks/a.yaml': yaml(
          'checks:',
          '  - id: api',
          '    kind: http',
          '    url: https://api.example.com/health',
          '    method: POST',
          '    query: { region: eu, verbose: true, n: 2 }',
          '    json: { ping: true, key: "${KEY}" }',
          '    maxBodyBytes: 64KiB',
          '    insecureSkipVerify: true',
          '    assert:',
          '      body: { contains: ok, notContains: [error, fail] }',
          '      json:',
          '        - { path: $.status, equals: pass }',
          '        - { path: $.latency, gte: 0, lt: 500 }',
          '      headers: { Content-Type: { contains: json } }',
          '      size: { max: 10KiB }',
          '  - id: form',
          '    kind: http',
          '    url: https://api.example.com/login',
          '    form: { user: alice }',
          '    ca: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----"',
        ),
      },
      { env: { KEY: 'k-123' } },
    );
    expect(http(config, 'api')).toMatchObject({
      query: { region: 'eu', verbose: 'true', n: '2' },
      body: { type: 'json', value: { ping: true, key: 'k-123' } },
      maxBodyBytes: 65536,
      insecureSkipVerify: true,
      ca: null,
      assert: {
        body: { contains: ['ok'], notContains: ['error', 'fail'], matches: [] },
        json: [
          { path: '$.status', op: 'equals', value: 'pass' },
          { path: '$.latency', op: 'gte', value: 0 },
          { path: '$.latency', op: 'lt', value: 500 },
        ],
        headers: [{ name: 'content-type', op: 'contains', value: 'json' }],
        size: { min: null, max: 10240 },
      },
    });
    expect(http(config, 'form')).toMatchObject({ body: { type: 'form', fields: { user: 'alice' } }, maxBodyBytes: 1024 * 1024, insecureSkipVerify: false, assert: null });
    expect(http(config, 'form').ca).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('reads a CA file relative to the status repo', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const config = await load({
      'certs/ca.pem': pem,
      'checks/a.yaml': yaml('checks:', '  - id: api', '    kind: http', '    url: https://internal.example', '    ca: certs/ca.pem'),
    });
    expect(http(config, 'api')).toMatchObject({ ca: pem, caFile: 'certs/ca.pem' });
  });

  it('rejects two bodies, a bad JSON path, a bad regex and an assertion without an operator', async () => {
    const out = await errors({
      'checks/a.yaml': yaml(
        'checks:',
        '  - id: api',
        '    kind: http',
        '    url: https://a.example',
        '    body: hello',
        '    json: { a: 1 }',
        '    assert:',
        '      body: { matches: "([a-z" }',
        '      json:',
        '        - { path: status, equals: pass }',
        '        - { path: $.x }',
      ),
    });
    expect(out).toEqual([
      'checks/a.yaml:6:11: checks[0].json: expected only one request body, but body and json are both set; keep one, got a mapping',
      'checks/a.yaml:8:24: checks[0].assert.body.matches: expected a valid regular expression (JavaScript syntax), got "([a-z"',
      'checks/a.yaml:10:19: checks[0].assert.json[0].path: expected a JSON path starting with "$", such as "$.status" or "$.items[0].id", got "status"',
      'checks/a.yaml:11:11: checks[0].assert.json[1]: expected at least one operator next to "path": equals, notEquals, gt, gte, lt, lte, contains, matches, exists, got a mapping',
    ]);
  });

  it('resolves a health check: auto by default, custom when a mapping is given', async () => {
    const config = await load({
      'checks/a.yaml': yaml(
        'checks:',
        '  - id: api-health',
        '    kind: health',
        '    url: https://api.example.com/actuator/health',
        '  - id: legacy',
        '    kind: health',
        '    url: https://legacy.example.com/status',
        '    mapping:',
        '      status: $.overall_status',
        '      up: [ok, Healthy]',
        '      components: $.checks',
        '      componentStatus: $.healthy',
      ),
    });
    expect(config.checks[0]).toMatchObject({ kind: 'health', format: 'auto', mapping: null, expectStatus: ['2xx'] });
    expect(config.checks[1]).toMatchObject({
      kind: 'health',
      format: 'custom',
      mapping: { status: '$.overall_status', up: ['ok', 'healthy'], degraded: ['warn', 'warning', 'degraded'], components: '$.checks', componentStatus: '$.healthy', componentName: null, componentOutput: null },
    });
  });

  it('requires a mapping for format: custom', async () => {
    const out = await errors({
      'checks/a.yaml': yaml('checks:', '  - id: h', '    kind: health', '    url: https://a.example/health', '    format: custom'),
    });
    expect(out).toEqual(['checks/a.yaml:5:13: checks[0].format: expected a "mapping" next to format: custom, saying where the statuses are, got "custom"']);
  });

  it('resolves a journey, its steps and extractions', async () => {
    const config = await load(
      {
        'checks/a.yaml': yaml(
          'checks:',
          '  - id: checkout',
          '    kind: journey',
          '    variables: { user: alice }',
          '    steps:',
          '      - name: log in',
          '        method: POST',
          '        url: https://shop.example.com/login',
          '        json: { user: "{{user}}", password: "${PASSWORD}" }',
          '        extract: { token: { json: $.token } }',
          '      - name: create order',
          '        method: POST',
          '        url: https://shop.example.com/orders',
          '        headers: { Authorization: "Bearer {{token}}" }',
          '        expectStatus: [201]',
          '        extract: { id: { header: location, regex: "/orders/(\\\\d+)" } }',
          '      - name: read order',
          '        url: https://shop.example.com/orders/{{id}}',
        ),
      },
      { env: { PASSWORD: 'pw-9876' } },
    );
    const journey = config.checks[0];
    if (journey?.kind !== 'journey') throw new Error('expected a journey');
    expect(journey.variables).toEqual({ user: 'alice' });
    expect(journey.steps.map((s) => [s.name, s.method, s.url, s.expectStatus])).toEqual([
      ['log in', 'POST', 'https://shop.example.com/login', ['2xx']],
      ['create order', 'POST', 'https://shop.example.com/orders', [201]],
      ['read order', 'GET', 'https://shop.example.com/orders/{{id}}', ['2xx']],
    ]);
    expect(journey.steps[0]?.body).toEqual({ type: 'json', value: { user: '{{user}}', password: 'pw-9876' } });
    expect(journey.steps[1]?.extract).toEqual({ id: { json: null, header: 'location', regex: '/orders/(\\d+)' } });
    expect(config.redactor.redact('pw-9876')).toBe('[REDACTED]');
  });

  it('rejects a {{variable}} that no earlier step extracts', async () => {
    const out = await errors({
      'checks/a.yaml': yaml(
        'checks:',
        '  - id: j',
        '    kind: journey',
        '    steps:',
        '      - name: read',
        '        url: https://a.example/orders/{{id}}',
        '      - name: create',
        '        url: https://a.example/orders',
        '        extract: { id: { header: location } }',
      ),
    });
    expect(out).toEqual([
      'checks/a.yaml:6:14: checks[0].steps[0].url: expected {{id}} to be extracted by an earlier step or declared in variables (no variable is defined before this step), got "https://a.example/orders/{{id}}"',
    ]);
  });
});
