import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan, envName, IdAllocator, parseGoDuration, peerSummaryLine, Secrets, urlWithoutCredentials, type PeerPlan } from './peer.ts';

function plan(over: Partial<PeerPlan> = {}): PeerPlan {
  return {
    peer: 'Test',
    checksFile: 'checks/test.yaml',
    checksHeader: ['Imported by a test.'],
    groups: [],
    checks: [{ id: 'web', kind: 'http', url: 'https://www.example.com/' }],
    maintenance: [],
    site: null,
    channels: { chat: { type: 'slack', url: '${CHAT_WEBHOOK_URL}' } },
    routes: [{ components: ['web'], channels: ['chat'] }],
    incidents: [],
    counts: [['check', 'checks', 1]],
    skipped: [],
    notes: [],
    secrets: ['CHAT_WEBHOOK_URL'],
    urlSecrets: ['CHAT_WEBHOOK_URL'],
    ...over,
  };
}

describe('ids, env names, durations, credentials', () => {
  it('gives valid unique ids to hostile names', () => {
    const ids = new IdAllocator();
    expect(ids.take('<script>alert(1)</script>', 'x')).toBe('script-alert-1-script');
    expect(ids.take('API', 'x')).toBe('api');
    expect(ids.take('api', 'x')).toBe('api-2');
    expect(ids.take('GraphQL', 'x')).toBe('graphql');
    expect(ids.take('日本語', 'monitor-7')).toBe('monitor-7');
    expect(ids.take('🚀', '🔥')).toBe('item');
    expect(ids.take('a'.repeat(200), 'x')).toHaveLength(56);
  });

  it('names environment variables', () => {
    expect(envName('ops-slack', 'webhook url')).toBe('OPS_SLACK_WEBHOOK_URL');
    expect(envName('9lives', 'key')).toBe('X_9LIVES_KEY');
  });

  it('references secrets, keeping an existing ${NAME}', () => {
    const s = new Secrets();
    expect(s.ref('hunter2', 'SMTP_PASSWORD')).toBe('${SMTP_PASSWORD}');
    expect(s.ref('${MY_HOOK}', 'OTHER', 'url')).toBe('${MY_HOOK}');
    expect(s.names).toEqual(['SMTP_PASSWORD', 'MY_HOOK']);
    expect(s.urls).toEqual(['MY_HOOK']);
    const u = urlWithoutCredentials('https://admin:p%40ss@host.example/x', s, 'legacy');
    expect(u).toEqual({ url: 'https://${LEGACY_USER}:${LEGACY_PASSWORD}@host.example/x', replaced: true });
    expect(urlWithoutCredentials('https://host.example/', s, 'x').replaced).toBe(false);
  });

  it('reads Go durations', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('soon')).toBeNull();
  });
});

describe('applyPlan', () => {
  it('adds channels and routes to an existing cairn.yaml, keeping its comments, and changes nothing the second time', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-peer-'));
    const mine = '# my settings\nsite:\n  title: Mine # keep me\nnotifications:\n  channels:\n    chat:\n      type: discord\n      url: ${MY_DISCORD}\n';
    await writeFile(path.join(dir, 'cairn.yaml'), mine);
    const p = plan({ channels: { chat: { type: 'slack', url: '${CHAT_WEBHOOK_URL}' }, pager: { type: 'pagerduty', routingKey: '${PD_KEY}' } }, routes: [{ components: ['web'], channels: ['chat'] }, { components: ['web'], channels: ['pager'] }], secrets: ['CHAT_WEBHOOK_URL', 'PD_KEY'] });
    const first = await applyPlan(p, { dir });
    expect(first.skipped.map((s) => s.message).join('\n')).toContain('channel "chat": cairn.yaml already has a channel of that name with other settings');
    const text = await readFile(path.join(dir, 'cairn.yaml'), 'utf8');
    expect(text).toContain('# my settings');
    expect(text).toContain('title: Mine # keep me');
    expect(text).toContain('type: discord');
    expect(text).toContain('routingKey: ${PD_KEY}');
    // The route to the user's own "chat" is not added; the one to the new channel is.
    expect(text).toMatch(/routes:\n\s+- components:\n\s+- web\n\s+channels:\n\s+- pager\n/);
    expect(first.files.map((f) => [f.file, f.action])).toEqual([['cairn.yaml', 'update'], ['checks/test.yaml', 'create']]);
    const second = await applyPlan(p, { dir });
    expect(second.files.map((f) => f.action)).toEqual(['unchanged', 'unchanged']);
    expect(peerSummaryLine(second)).toBe('Imported 1 check from Test (already in place: nothing to write); not carried over: 1 channel');
    expect(await readFile(path.join(dir, 'cairn.yaml'), 'utf8')).toBe(text);
  });

  it('refuses to overwrite an edited checks file, and validates before writing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-peer-'));
    await applyPlan(plan(), { dir });
    await writeFile(path.join(dir, 'checks/test.yaml'), 'checks: []\n# mine\n');
    await expect(applyPlan(plan(), { dir })).rejects.toThrow(/refusing to overwrite .*checks\/test\.yaml/);
    await expect(applyPlan(plan({ routes: [{ components: ['nope'], channels: ['chat'] }]}), { dir, force: true })).rejects.toThrow(/nope/);
    expect(await readFile(path.join(dir, 'checks/test.yaml'), 'utf8')).toContain('# mine');
    const dry = await applyPlan(plan(), { dir, force: true, dryRun: true });
    expect(dry.files.find((f) => f.file === 'checks/test.yaml')).toMatchObject({ action: 'overwrite' });
    expect(await readFile(path.join(dir, 'checks/test.yaml'), 'utf8')).toContain('# mine');
  });
});
