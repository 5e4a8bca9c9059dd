import { describe, expect, it } from 'vitest';
import { load, repo, errorLines, warningLines, yaml } from './test-repo.ts';

const POSITIVE = 'expected a duration of at least 1ms, such as "500ms", "30s", "5m", "1h" or a number of milliseconds';
const CHECK = ['checks:', '  - id: api', '    kind: http', '    url: https://a.example'];

describe('durations that make no sense', () => {
  it('refuses a timeout, an interval, a deadline, a max gap or a threshold of 0, at the field', async () => {
    const dir = await repo({
      'cairn.yaml': yaml('defaults:', '  interval: 0', '  deadline: 0s', '  maxGap: "0m"', '  thresholds:', '    degraded: 0ms'),
      'checks/a.yaml': yaml(...CHECK, '    timeout: 0', '  - id: db', '    kind: tcp', '    host: h', '    port: 1', '    interval: 0.0s', '    timeout: 0.4ms'),
    });
    expect(await errorLines(dir)).toEqual([
      `cairn.yaml:2:13: defaults.interval: ${POSITIVE}, got 0`,
      `cairn.yaml:3:13: defaults.deadline: ${POSITIVE}, got "0s"`,
      `cairn.yaml:4:11: defaults.maxGap: ${POSITIVE}, got "0m"`,
      `cairn.yaml:6:15: defaults.thresholds.degraded: ${POSITIVE}, got "0ms"`,
      `checks/a.yaml:5:14: checks[0].timeout: ${POSITIVE}, got 0`,
      `checks/a.yaml:10:15: checks[1].interval: ${POSITIVE}, got "0.0s"`,
      `checks/a.yaml:11:14: checks[1].timeout: ${POSITIVE}, got "0.4ms"`,
    ]);
  });

  it('refuses a zero-length maintenance window and a notification timeout of 0; a cooldown or a reminder of 0 stays allowed', async () => {
    const dir = await repo({
      'cairn.yaml': yaml(
        'maintenance:',
        '  - { id: m, title: M, components: [api], start: "2026-12-01T02:00:00Z", duration: 0 }',
        'notifications:',
        '  channels:',
        '    hook: { type: webhook, url: "https://h.example", secret: s, timeout: 0s }',
        '  cooldown: { critical: 0 }',
        '  remind: 0',
      ),
      'checks/a.yaml': yaml(...CHECK),
    });
    expect(await errorLines(dir)).toEqual([
      `cairn.yaml:2:84: maintenance[0].duration: ${POSITIVE}, got 0`,
      `cairn.yaml:5:74: notifications.channels.hook.timeout: ${POSITIVE}, got "0s"`,
    ]);
  });

  it('publishes the lower bound in the JSON Schema', async () => {
    const { jsonSchema } = await import('./schema.ts');
    const text = JSON.stringify(jsonSchema());
    expect(text).toContain('(?=[\\\\d.]*[1-9])');
  });
});

describe('thresholds out of order', () => {
  it('refuses thresholds.degraded above (or at) thresholds.down, at the degraded threshold, in a check and in defaults', async () => {
    const dir = await repo({
      'cairn.yaml': yaml('defaults:', '  thresholds:', '    degraded: 5s', '    down: 2s'),
      'checks/a.yaml': yaml(...CHECK, '    thresholds: { degraded: 3s, down: 3s }'),
    });
    expect(await errorLines(dir)).toEqual([
      'cairn.yaml:3:15: defaults.thresholds.degraded: expected thresholds.degraded (5s) below thresholds.down (2s): a response slower than the down threshold is down, so the check could never be degraded',
      'checks/a.yaml:5:29: checks[0].thresholds.degraded: expected thresholds.degraded (3s) below thresholds.down (3s): a response slower than the down threshold is down, so the check could never be degraded',
    ]);
  });

  it('compares a check threshold with the one it inherits, and reports it where the check wrote it', async () => {
    const dir = await repo({
      'cairn.yaml': yaml('defaults:', '  thresholds:', '    degraded: 1s'),
      'checks/a.yaml': yaml(...CHECK, '    thresholds:', '      down: 800ms'),
    });
    expect(await errorLines(dir)).toEqual([
      'checks/a.yaml:6:13: checks[0].thresholds.down: expected thresholds.degraded (1s, from defaults.thresholds.degraded) below thresholds.down (800ms): a response slower than the down threshold is down, so the check could never be degraded',
    ]);
  });

  it('refuses a ping loss.degraded above loss.down, TLS warningDays below criticalDays, and capacity thresholds out of order', async () => {
    const dir = await repo({
      'cairn.yaml': yaml(
        'prometheus: { id: p, url: "http://127.0.0.1:9090" }',
        'capacity:',
        '  - { id: cpu, component: api, type: cpu, query: "x", critical: 70 }',
        '  - { id: free, component: api, direction: down, query: "y", warning: 5, critical: 10 }',
      ),
      'checks/a.yaml': yaml(
        ...CHECK,
        '  - { id: p, kind: ping, host: h, port: 1, loss: { degraded: 60 } }',
        '  - { id: t, kind: tls, host: h, criticalDays: 30 }',
      ),
    });
    expect(await errorLines(dir)).toEqual([
      'cairn.yaml:3:65: capacity[0].critical: expected warning (80, the default for cpu) at most critical (70) for a rising resource: the warning would come after the critical threshold',
      'cairn.yaml:4:71: capacity[1].warning: expected warning (5) at least critical (10) for a falling resource: the warning would come after the critical threshold',
      'checks/a.yaml:5:62: checks[1].loss.degraded: expected loss.degraded (60%) at most loss.down (50%, the default): the check could never be degraded',
      'checks/a.yaml:6:48: checks[2].criticalDays: expected warningDays (14, the default) at least criticalDays (30): a certificate would be down before it could be degraded',
    ]);
  });
});

describe('timing settings that cannot take effect', () => {
  it('refuses a max gap shorter than the interval, in defaults and against a check\'s own interval', async () => {
    const dir = await repo({
      'cairn.yaml': yaml('defaults:', '  interval: 10m', '  maxGap: 5m'),
      'checks/a.yaml': yaml(...CHECK),
    });
    expect(await errorLines(dir)).toEqual([
      'cairn.yaml:3:11: defaults.maxGap: expected a max gap of at least the interval (10m): a sample holds until the next run for at most the max gap, so every interval would end in no data',
    ]);
    const dir2 = await repo({
      'cairn.yaml': yaml('defaults:', '  maxGap: 30m'),
      'checks/a.yaml': yaml(...CHECK, '    interval: 1h'),
    });
    expect(await errorLines(dir2)).toEqual([
      'checks/a.yaml:5:15: checks[0].interval: expected an interval of at most defaults.maxGap (30m): a sample holds for at most the max gap, so part of every interval would be no data; raise defaults.maxGap',
    ]);
  });

  it('warns about a threshold that is not below the timeout, and a timeout longer than the deadline; a timeout longer than the interval is fine', async () => {
    const config = await load({
      'cairn.yaml': yaml('defaults:', '  deadline: 1m', '  thresholds:', '    down: 20s'),
      'checks/a.yaml': yaml(
        ...CHECK,
        '    timeout: 15s',
        '  - id: slow',
        '    kind: http',
        '    url: https://b.example',
        '    timeout: 2m',
        '    interval: 1m',
        '  - id: own',
        '    kind: tcp',
        '    host: h',
        '    port: 1',
        '    thresholds: { degraded: 10s }',
      ),
    });
    expect(warningLines(config)).toEqual([
      'cairn.yaml:4:11: defaults.thresholds.down: thresholds.down (20s) is not below the timeout (10s, the default): an attempt that slow times out first (down), so this threshold never applies',
      'checks/a.yaml:5:14: checks[0].timeout: thresholds.down (20s, from defaults.thresholds.down) is not below the timeout (15s): an attempt that slow times out first (down), so this threshold never applies',
      "checks/a.yaml:9:14: checks[1].timeout: the timeout (2m) is longer than defaults.deadline (1m): the run's deadline ends a slow attempt first, and the check is then stored as no data",
      'checks/a.yaml:15:29: checks[2].thresholds.degraded: thresholds.degraded (10s) is not below the timeout (10s, the default): an attempt that slow times out first (down), so this threshold never applies',
    ]);
  });

  it('accepts coherent settings without a word', async () => {
    const config = await load({
      'cairn.yaml': yaml('defaults:', '  interval: 5m', '  maxGap: 20m', '  timeout: 10s', '  deadline: 5m', '  thresholds: { degraded: 1s, down: 5s }'),
      'checks/a.yaml': yaml(...CHECK, '    timeout: 30s', '    interval: 15m', '    thresholds: { down: 20s }'),
    });
    expect(config.warnings).toEqual([]);
  });
});
