/**
 * Writing incident files. A new file is rendered from scratch; an existing one is changed in
 * place through the YAML document of its front matter, so every human edit (a new title, extra
 * updates, comments, the postmortem below the front matter) survives the next automatic update.
 */
import { parseDocument, YAMLSeq } from 'yaml';
import { splitFrontMatter } from './parse.ts';
import type { Impact, IncidentUpdate } from './types.ts';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export interface NewIncident {
  title: string;
  impact: Impact;
  components: string[];
  auto: boolean;
  startedAt: number;
  detectedAt: number;
  updates: IncidentUpdate[];
  body: string;
}

function quoteIfNeeded(s: string): string {
  return JSON.stringify(s);
}

export function renderIncident(n: NewIncident): string {
  const lines = [
    '---',
    `title: ${quoteIfNeeded(n.title)}`,
    `impact: ${n.impact} # none | minor | major | critical`,
    `components: [${n.components.join(', ')}]`,
    ...(n.auto ? ['auto: true # opened by Cairn; edit freely, Cairn keeps your changes'] : []),
    `started: ${iso(n.startedAt)}`,
    `detected: ${iso(n.detectedAt)}`,
    'updates:',
    ...n.updates.flatMap((u) => [`  - at: ${iso(u.at)}`, `    status: ${u.status}`, `    text: ${quoteIfNeeded(u.text)}`]),
    '---',
    ...(n.body.trim() ? ['', n.body.trim()] : []),
    '',
  ];
  if (n.updates.length === 0) lines.splice(lines.indexOf('updates:'), 1, 'updates: []');
  return lines.join('\n');
}

export interface AutoChanges {
  /** Timeline updates to append. */
  add?: IncidentUpdate[];
  /** Sets `resolved`. */
  resolvedAt?: number;
  /** Sets `impact`. */
  impact?: Impact;
}

/** Applies automatic changes to an incident file's text, keeping everything else as it was. */
export function updateIncidentText(text: string, changes: AutoChanges): string {
  const parts = splitFrontMatter(text);
  if (!parts) throw new Error('incident file has no front matter');
  const doc = parseDocument(parts.yaml.replace(/^\n/, ''));
  if (changes.impact) doc.set('impact', changes.impact);
  if (changes.resolvedAt !== undefined) doc.set('resolved', iso(changes.resolvedAt));
  for (const u of changes.add ?? []) {
    let seq = doc.get('updates', true);
    if (!(seq instanceof YAMLSeq)) {
      seq = new YAMLSeq();
      doc.set('updates', seq);
    }
    (seq as YAMLSeq).flow = false;
    (seq as YAMLSeq).add(doc.createNode({ at: iso(u.at), status: u.status, text: u.text }));
  }
  const yaml = doc.toString({ lineWidth: 0 }).replace(/\n$/, '');
  return `---\n${yaml}\n---\n${parts.body}`;
}
