/**
 * The same SLO two ways (issue 15): check results are stored and remote-written to a REAL
 * Prometheus; a Prometheus SLO declared on the written series (`probe_success`,
 * `cairn_check_healthy`, gauge SLIs) and the SLO on the checks computed by the status model from
 * the stored samples (measure: probes) must give the same figures, to 1e-6: achieved, counts,
 * budget, every burn rate and the alert state.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../checks/types.ts';
import { loadConfig } from '../config/load.ts';
import { type PrometheusSloSpec, prometheusSlos } from '../config/resolve-prometheus.ts';
import { PromClient } from '../prometheus/client.ts';
import { computeSlo } from '../prometheus/slo.ts';
import { type RunningPrometheus, prometheusAvailable, startPrometheus } from '../prometheus/testing.ts';
import { BURN_WINDOWS, type SloFigures } from '../prometheus/types.ts';
import { buildModel } from '../site/build.ts';
import { appendRun, toRunRecord } from '../store/samples.ts';
import { describeReport, remoteWriteRound } from './remote-write.ts';
import { tempRepo } from './testing.ts';

const available = prometheusAvailable();
const MIN = 60_000;

describe.skipIf(!available && process.env['CI'] !== 'true')('an SLO on remote-written series equals the SLO on the checks', { timeout: 300_000 }, () => {
  let prom: RunningPrometheus;
  let dir = '';
  beforeAll(async () => {
    prom = await startPrometheus({ remoteWriteReceiver: true, outOfOrderTimeWindow: '7d' });
  }, 90_000);
  afterAll(async () => {
    await prom?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('achieved, counts, budget, burn rates and alert state agree to 1e-6', async () => {
    dir = await tempRepo({
      'cairn.yaml': `site: { title: Agree }
remoteWrite: { name: main, url: ${prom.url}/api/v1/write, job: agree }
prometheus: { id: main, url: ${prom.url} }
slos:
  - { id: own-up, component: api, target: 99, windows: [2h], sli: { availability: { measure: probes, degraded: good } } }
  - { id: prom-up, component: api, target: 99, windows: [2h], sli: { gauge: 'probe_success{job="agree",component="api"}' } }
  - { id: own-healthy, component: api, target: 95, windows: [2h], sli: { availability: { measure: probes, degraded: bad } } }
  - { id: prom-healthy, component: api, target: 95, windows: [2h], sli: { gauge: 'cairn_check_healthy{job="agree",component="api"}' } }
`,
      'checks/api.yaml': `checks:
  - { id: api, kind: http, url: "http://api.example.test/", component: api }
  - { id: api-login, kind: http, url: "http://api.example.test/login", component: api }
`,
    });
    const config = await loadConfig(dir);
    // 150 one-minute rounds ending a minute ago, at 7 s past the minute: no sample on a window's edge.
    const base = Math.floor(Date.now() / MIN) * MIN - 151 * MIN;
    const statusOf = (k: number, id: string): CheckStatus => {
      if (id === 'api' && k >= 60 && k < 72) return 'down'; // a 12-minute outage an hour and a half ago
      if (id === 'api-login' && k % 17 === 0) return 'down'; // scattered failures
      if (id === 'api' && k >= 140) return k % 2 === 0 ? 'down' : 'degraded'; // burning fast just now
      if (id === 'api-login' && k >= 100 && k < 110) return 'degraded';
      if (k >= 30 && k < 35) return 'maintenance'; // stored in maintenance: written as no probe_success
      return 'up';
    };
    for (let k = 0; k < 150; k++) {
      const at = base + k * MIN + 7_000;
      const results: CheckResult[] = ['api', 'api-login'].map((id) => {
        const status = statusOf(k, id);
        return { id, kind: 'http', status, responseTimeMs: status === 'down' ? null : 40 + (k % 9), error: status === 'down' ? 'HTTP 503' : null, checkedAt: new Date(at).toISOString(), attempts: 1, statusCode: status === 'down' ? 503 : 200 };
      });
      const record = toRunRecord(new Date(at), results);
      await appendRun(dir, record);
      const [report] = await remoteWriteRound({ config, record, results, shard: null, region: null, suffix: '', stopAt: Date.now() + 60_000 });
      expect(report?.ok, report ? describeReport(report).text : 'no report').toBe(true);
    }
    const now = base + 150 * MIN + 37_000;

    const model = await buildModel(config, now);
    const own = new Map((model.slo?.byComponent['api']?.slos ?? []).map((s) => [s.id, s.figures as SloFigures]));
    const client = new PromClient(config.prometheus.endpoints[0]!);
    const specs = new Map(prometheusSlos(config.prometheus.slos).map((s) => [s.id, s]));
    for (const [mine, theirs] of [['own-up', 'prom-up'], ['own-healthy', 'prom-healthy']] as const) {
      const a = own.get(mine)!;
      const b = await computeSlo(client, specs.get(theirs) as PrometheusSloSpec, now);
      const [wa, wb] = [a.windows[0]!, b.windows[0]!];
      // The very counts: samples that were good, samples outside maintenance.
      expect([wa.good, wa.total], mine).toEqual([wb.good, wb.total]);
      // The 2-hour window holds rounds 31 … 149 (119) of two checks; in maintenance: api in rounds
      // 31 … 34, api-login in 31 … 33 (its round 34 is one of its scattered failures).
      expect(wa.total).toBe(2 * 119 - 7);
      expect(Math.abs((wa.achieved as number) - (wb.achieved as number)), mine).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(wa.budget.consumed - wb.budget.consumed), mine).toBeLessThanOrEqual(1e-6);
      expect(Math.abs((wa.budget.remainingFraction as number) - (wb.budget.remainingFraction as number)), mine).toBeLessThanOrEqual(1e-6);
      for (const w of BURN_WINDOWS) {
        const [x, y] = [a.burnRates[w], b.burnRates[w]];
        expect(x === null, `${mine} ${w}`).toBe(y === null);
        if (x !== null && y !== null) expect(Math.abs(x - y), `${mine} ${w}: ${x} vs ${y}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(y)));
      }
      expect(a.alertState, mine).toBe(b.alertState);
    }
    // The fast burn of the last ten minutes pages on both sides.
    expect(own.get('own-up')?.alertState).toBe('page');
  });
});
