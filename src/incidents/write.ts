/**
 * Writing incident files. A new file is rendered from scratch; an existing one is changed in
 * place through the YAML document of its front matter, so every human edit (a new title, extra
 * updates, comments, the postmortem below the front matter) survives the next automatic update.
 */
import { parseDocument, YAMLSeq } from 'yaml';
import { checklistSection, splitFrontMatter, stepOf } from './parse.ts';
import type { Acknowledgement, ActionState, Impact, IncidentUpdate, ResponseStep, Severity } from './types.ts';

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
  /** Written when it differs from the impact's (a hand-written P1 with minor impact). */
  severity?: Severity;
  owner?: string | null;
  /** The `## Response checklist` section (src/incidents/response.ts renderChecklist), put after the body. */
  checklist?: string;
}

function quoteIfNeeded(s: string): string {
  return JSON.stringify(s);
}

export function renderIncident(n: NewIncident): string {
  const lines = [
    '---',
    `title: ${quoteIfNeeded(n.title)}`,
    `impact: ${n.impact} # none | minor | major | critical`,
    ...(n.severity ? [`severity: ${n.severity} # P1 to P4`] : []),
    `components: [${n.components.join(', ')}]`,
    ...(n.auto ? ['auto: true # opened by Cairn; edit freely, Cairn keeps your changes'] : []),
    `started: ${iso(n.startedAt)}`,
    `detected: ${iso(n.detectedAt)}`,
    ...(n.owner ? [`owner: ${quoteIfNeeded(n.owner)}`] : []),
    'updates:',
    ...n.updates.flatMap((u) => [`  - at: ${iso(u.at)}`, `    status: ${u.status}`, `    text: ${quoteIfNeeded(u.text)}`]),
    '---',
    ...(n.body.trim() ? ['', n.body.trim()] : []),
    ...(n.checklist ? ['', n.checklist.trim()] : []),
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
  /** Sets `acknowledged` (unless the file has one) and checks the checklist's acknowledge step. */
  acknowledged?: Acknowledgement;
  /** Sets `owner` unless the file names one. */
  owner?: string;
  /** Ticks these steps of the response checklist. */
  check?: ResponseStep[];
  /** Sets the action items. */
  actions?: { title: string; owner?: string; due?: string; state?: ActionState }[];
}

/** Checks the first open checklist line of a step (`- [ ] Acknowledge …` → `- [x] Acknowledge …`). */
export function checkStep(body: string, step: ResponseStep): string {
  const lines = body.split('\n');
  const section = checklistSection(lines);
  if (!section) return body;
  for (let i = section.start + 1; i < section.end; i++) {
    const m = /^([ \t]*[-*+][ \t]+)\[ \]([ \t]*)(.*)$/.exec(lines[i] as string);
    if (m && stepOf((m[3] as string).trim()) === step) {
      lines[i] = `${m[1]}[x]${m[2]}${m[3]}`;
      return lines.join('\n');
    }
  }
  return body;
}

/** Applies automatic changes to an incident file's text, keeping everything else as it was. */
export function updateIncidentText(text: string, changes: AutoChanges): string {
  const parts = splitFrontMatter(text);
  if (!parts) throw new Error('incident file has no front matter');
  const doc = parseDocument(parts.yaml.replace(/^\n/, ''));
  if (changes.impact) doc.set('impact', changes.impact);
  if (changes.resolvedAt !== undefined) doc.set('resolved', iso(changes.resolvedAt));
  let body = parts.body;
  if (changes.owner && (doc.get('owner') === undefined || doc.get('owner') === null)) doc.set('owner', changes.owner);
  if (changes.actions) doc.set('actions', doc.createNode(changes.actions));
  for (const step of changes.check ?? []) body = checkStep(body, step);
  if (changes.acknowledged && !doc.has('acknowledged')) {
    const a = changes.acknowledged;
    doc.set('acknowledged', doc.createNode({ at: iso(a.at), by: a.by, ...(a.via !== 'file' ? { via: a.via } : {}) }));
    body = checkStep(body, 'acknowledge');
  }
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
  return `---\n${yaml}\n---\n${body}`;
}
