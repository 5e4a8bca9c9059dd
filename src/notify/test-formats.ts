/**
 * Checks of received payloads against each service's documented format, used by the tests:
 * each returns the list of problems found (empty: valid).
 *
 * - Slack Block Kit: https://api.slack.com/reference/block-kit/blocks (header plain_text ≤150,
 *   section text ≤3000, ≤10 fields each ≤2000, context elements; `text` fallback)
 * - Discord: https://discord.com/developers/docs/resources/webhook#execute-webhook (≤10 embeds,
 *   title ≤256, description ≤4096, ≤25 fields name ≤256 value ≤1024, integer colour, ISO timestamp)
 * - Teams: message with one attachment of contentType application/vnd.microsoft.card.adaptive
 *   whose content is an AdaptiveCard with a version and a body
 * - PagerDuty Events API v2: routing_key (32 chars), event_action trigger|acknowledge|resolve,
 *   dedup_key ≤255; a trigger has payload.summary ≤1024, payload.source, payload.severity
 *   critical|error|warning|info
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max;

export function slackProblems(p: unknown): string[] {
  const out: string[] = [];
  if (!isObj(p)) return ['not an object'];
  if (!str(p['text'], 40_000)) out.push('text (fallback) missing');
  const blocks = p['blocks'];
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50) return [...out, 'blocks: expected 1-50 blocks'];
  blocks.forEach((b, i) => {
    if (!isObj(b)) return out.push(`blocks[${i}] not an object`);
    const text = b['text'] as Obj | undefined;
    switch (b['type']) {
      case 'header':
        if (!isObj(text) || text['type'] !== 'plain_text' || !str(text['text'], 150)) out.push(`blocks[${i}] header needs plain_text ≤150`);
        break;
      case 'section': {
        const fields = b['fields'];
        if (text === undefined && fields === undefined) out.push(`blocks[${i}] section needs text or fields`);
        if (text !== undefined && (!isObj(text) || !['mrkdwn', 'plain_text'].includes(String(text['type'])) || !str(text['text'], 3000))) out.push(`blocks[${i}] section text`);
        if (fields !== undefined) {
          if (!Array.isArray(fields) || fields.length > 10) out.push(`blocks[${i}] fields: ≤10`);
          else fields.forEach((f, j) => isObj(f) && str(f['text'], 2000) && ['mrkdwn', 'plain_text'].includes(String(f['type'])) ? null : out.push(`blocks[${i}].fields[${j}]`));
        }
        break;
      }
      case 'context': {
        const els = b['elements'];
        if (!Array.isArray(els) || els.length === 0 || els.length > 10) out.push(`blocks[${i}] context elements`);
        break;
      }
      default:
        out.push(`blocks[${i}] unexpected type ${String(b['type'])}`);
    }
    return undefined;
  });
  return out;
}

export function discordProblems(p: unknown): string[] {
  if (!isObj(p)) return ['not an object'];
  const out: string[] = [];
  const embeds = p['embeds'];
  if (!Array.isArray(embeds) || embeds.length === 0 || embeds.length > 10) return ['embeds: expected 1-10'];
  embeds.forEach((e, i) => {
    if (!isObj(e)) return out.push(`embeds[${i}]`);
    if (!str(e['title'], 256)) out.push(`embeds[${i}].title`);
    if (e['description'] !== undefined && !str(e['description'], 4096)) out.push(`embeds[${i}].description`);
    if (!Number.isInteger(e['color']) || (e['color'] as number) < 0 || (e['color'] as number) > 0xffffff) out.push(`embeds[${i}].color`);
    if (typeof e['timestamp'] !== 'string' || Number.isNaN(Date.parse(e['timestamp']))) out.push(`embeds[${i}].timestamp`);
    const fields = e['fields'];
    if (fields !== undefined && (!Array.isArray(fields) || fields.length > 25 || !fields.every((f) => isObj(f) && str(f['name'], 256) && str(f['value'], 1024)))) out.push(`embeds[${i}].fields`);
    return undefined;
  });
  return out;
}

export function teamsProblems(p: unknown): string[] {
  if (!isObj(p)) return ['not an object'];
  if (p['type'] !== 'message') return ['type must be "message"'];
  const atts = p['attachments'];
  if (!Array.isArray(atts) || atts.length !== 1 || !isObj(atts[0])) return ['attachments: expected one'];
  const a = atts[0];
  if (a['contentType'] !== 'application/vnd.microsoft.card.adaptive') return ['contentType'];
  const c = a['content'];
  if (!isObj(c) || c['type'] !== 'AdaptiveCard' || typeof c['version'] !== 'string' || !Array.isArray(c['body']) || c['body'].length === 0) return ['content: AdaptiveCard with version and body'];
  const out: string[] = [];
  (c['body'] as unknown[]).forEach((el, i) => {
    if (!isObj(el) || typeof el['type'] !== 'string') out.push(`body[${i}]`);
    else if (el['type'] === 'TextBlock' && typeof el['text'] !== 'string') out.push(`body[${i}].text`);
    else if (el['type'] === 'FactSet' && !(Array.isArray(el['facts']) && el['facts'].every((f) => isObj(f) && typeof f['title'] === 'string' && typeof f['value'] === 'string'))) out.push(`body[${i}].facts`);
  });
  return out;
}

export function pagerdutyProblems(p: unknown): string[] {
  if (!isObj(p)) return ['not an object'];
  const out: string[] = [];
  if (typeof p['routing_key'] !== 'string' || p['routing_key'].length !== 32) out.push('routing_key: 32 characters');
  if (!['trigger', 'acknowledge', 'resolve'].includes(String(p['event_action']))) out.push('event_action');
  if (!str(p['dedup_key'], 255)) out.push('dedup_key');
  if (p['event_action'] === 'trigger') {
    const pl = p['payload'];
    if (!isObj(pl)) return [...out, 'payload'];
    if (!str(pl['summary'], 1024)) out.push('payload.summary');
    if (!str(pl['source'], 1000)) out.push('payload.source');
    if (!['critical', 'error', 'warning', 'info'].includes(String(pl['severity']))) out.push('payload.severity');
    if (pl['timestamp'] !== undefined && Number.isNaN(Date.parse(String(pl['timestamp'])))) out.push('payload.timestamp');
  }
  return out;
}

/** What a webhook receiver does: recompute the HMAC over timestamp + raw body and compare. */
export function verifyWebhook(secret: string, headers: Record<string, string | string[] | undefined>, rawBody: string, nowSeconds: number): boolean {
  const timestamp = String(headers['x-cairn-timestamp'] ?? '');
  const signature = String(headers['x-cairn-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
