/**
 * SLA credits in the monthly report, generated for real from the April fixture (src/reports/fixture.ts)
 * with credit tiers declared in its cairn.yaml and a hostile component name: both outputs (markdown
 * and HTML) show achieved availability, the tier reached and the credit owed, and state the method.
 */
import { readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { writeFixtureRepo } from './fixture.ts';
import { buildReport } from './generate.ts';

const NOW = Date.parse('2026-05-10T00:00:00Z');
const HOSTILE = 'Web <script>alert(1)</script> | "x"';
let dir: string;
let config: ResolvedConfig;
let md: string;
let html: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-credits-'));
  await writeFixtureRepo(dir);
  const settings = await readFile(path.join(dir, 'cairn.yaml'), 'utf8');
  await writeFile(
    path.join(dir, 'cairn.yaml'),
    `${settings}reports:
  credits:
    - { below: 99.9, credit: 10 }
    - { below: 99, credit: 25 }
    - { below: 95, credit: 100 }
  components:
    edge: { credits: [] }
`,
  );
  const checks = await readFile(path.join(dir, 'checks', 'fixture.yaml'), 'utf8');
  await writeFile(path.join(dir, 'checks', 'fixture.yaml'), checks.replace('name: Web,', `name: '${HOSTILE}',`));
  config = await loadConfig(dir, { missingEnv: 'keep' });
  ({ md, html } = await buildReport(config, '2026-04', { now: NOW, prometheus: false }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SLA credits in the April report', () => {
  it('markdown: availability, tier reached and credit owed per component with tiers', () => {
    // api: 2,585,700,000 / 2,588,400,000 = 99.8956…% → strictly below 99.9 (not below 99) → 10%.
    expect(md).toContain('## SLA credits\n');
    expect(md).toContain('| API | 99.89% | below 99.9% → 10%; below 99% → 25%; below 95% → 100% | below 99.9% | **10%** |  |');
    // web: 100.00% → no tier; the hostile name cannot break the table (the pipe is escaped).
    expect(md).toContain('| Web <script>alert(1)</script> \\| "x" | 100.00% | below 99.9% → 10%; below 99% → 25%; below 95% → 100% | none | 0% | no tier reached |');
    // edge overrides the default with no tiers: no credit row.
    expect(md).not.toMatch(/\| Certificate \| 100\.00% \| below/);
    expect(md).toContain('- SLA credits owed: API 10% of the monthly fee (availability 99.89%, below 99.9%).');
  });

  it('markdown: the method is stated', () => {
    expect(md).toContain('- **SLA credits**: availability as above (maintenance excluded, time without data not counted). A tier "below X%" is reached when the exact availability');
    expect(md).toContain('strictly less than X%');
    expect(md).toContain('With data for less than 10% of the month, no credit is decided and the report says so.');
  });

  it('HTML: the same figures, the hostile name escaped', () => {
    expect(html).toContain('<section id="credits">');
    expect(html).toContain('<tr data-credit="api"><td>API</td><td class="n">99.89%</td><td>below 99.9% → 10%; below 99% → 25%; below 95% → 100%</td><td>below 99.9%</td><td class="n"><strong>10%</strong></td><td></td></tr>');
    expect(html).toContain('<tr data-credit="web"><td>Web &lt;script&gt;alert(1)&lt;/script&gt; | &quot;x&quot;</td><td class="n">100.00%</td>');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('data-credit="edge"');
    expect(html).toContain('<li><strong>SLA credits</strong>:');
  });

  it('with too little data, no credit is decided, and the report says so', async () => {
    // May with figures up to the 2nd: the fixture's samples end with April, the last one holds into May for its max gap (0.69% of the month), under the 10% minimum.
    const early = await buildReport(config, '2026-05', { now: Date.parse('2026-05-02T00:00:00Z'), prometheus: false });
    expect(early.md).toMatch(/\| API \| not enough data \| below 99\.9% → 10%; below 99% → 25%; below 95% → 100% \| — \| not decided \| not enough data \(data for 0\.69% of the period\): no credit decided \|/);
    expect(early.md).not.toContain('No SLA credit is owed');
    expect(early.md).toContain('No SLA credit decided for API and Web <script>alert(1)</script> | "x": not enough data.');
    expect(early.html).toContain('<td class="n">not decided</td>');
  });
});

describe('no tiers, no section', () => {
  it('leaves the report as it was without credits', async () => {
    const plain = await mkdtemp(path.join(os.tmpdir(), 'cairn-credits-'));
    try {
      await writeFixtureRepo(plain);
      const c = await loadConfig(plain, { missingEnv: 'keep' });
      const r = await buildReport(c, '2026-04', { now: NOW, prometheus: false });
      expect(r.md).not.toContain('SLA credit');
      expect(r.html).not.toContain('id="credits"');
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });
});
