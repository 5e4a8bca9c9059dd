/**
 * Reading incident files: markdown with YAML front matter between `---` lines.
 *
 * ```markdown
 * ---
 * title: Elevated API error rates
 * impact: major                  # none | minor | major | critical
 * components: [api]
 * started: 2026-11-24T10:00:00Z
 * resolved: 2026-11-24T11:05:00Z # absent while the incident is open
 * updates:
 *   - at: 2026-11-24T10:05:00Z
 *     status: investigating      # investigating | identified | monitoring | resolved | postmortem
 *     text: We are looking into errors on the API.
 * ---
 * Free markdown: details, the postmortem.
 * ```
 *
 * Errors are `ConfigError`s with the file, line and column of the offending field, found with the
 * same machinery as the configuration's.
 */
import { z } from 'zod';
import { ConfigError } from '../config/errors.ts';
import { DEFAULT_MESSAGE, issueToErrors } from '../config/issues.ts';
import { Redactor } from '../config/secrets.ts';
import { parseSource, yamlErrors } from '../config/yaml-source.ts';
import { ACK_SOURCES, ACTION_STATES, IMPACTS, RESPONSE_STEPS, SEVERITIES, SEVERITY_OF_IMPACT, UPDATE_STATUSES, type ChecklistItem, type Incident, type ResponseStep } from './types.ts';

const Time = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'expected a time with its offset, such as 2026-11-24T10:00:00Z',
  });

export const IncidentUpdateSchema = z.strictObject({
  at: Time.describe('When the update was posted'),
  status: z.enum(UPDATE_STATUSES).describe('investigating, identified, monitoring, resolved or postmortem'),
  text: z.string().min(1).describe('What the update says (markdown)'),
});

const DateOnly = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), { message: 'expected a date such as 2026-12-01' });

export const AcknowledgedSchema = z.strictObject({
  at: Time.describe('When the incident was acknowledged'),
  by: z.string().min(1).describe('Who acknowledged it'),
  via: z.enum(ACK_SOURCES).optional().describe('file (default: written by hand), pagerduty or github (recorded by Cairn)'),
});

export const ActionItemSchema = z.strictObject({
  title: z.string().min(1).describe('What is to be done'),
  owner: z.string().min(1).optional().describe('Who does it'),
  due: DateOnly.optional().describe('By when, YYYY-MM-DD'),
  state: z.enum(ACTION_STATES).optional().describe('open (default), done or dropped'),
});

export const IncidentFrontMatter = z.strictObject({
  title: z.string().min(1),
  impact: z.enum(IMPACTS).optional().describe('none, minor, major or critical (default major)'),
  severity: z.enum(SEVERITIES).optional().describe('P1 to P4 (default from impact)'),
  components: z.array(z.string().min(1)).optional().describe('Affected component ids'),
  auto: z.boolean().optional().describe('Set by Cairn on incidents it opened'),
  started: Time.describe('When the problem started'),
  detected: Time.optional().describe('When the incident was opened (default: started)'),
  resolved: Time.optional().describe('When it was resolved; absent while open'),
  updates: z.array(IncidentUpdateSchema).optional(),
  owner: z.string().min(1).nullable().optional().describe('Who leads the response'),
  acknowledged: AcknowledgedSchema.optional().describe('When and by whom the incident was acknowledged'),
  actions: z.array(ActionItemSchema).optional().describe('Follow-up action items'),
});

/** The heading of the response checklist in the body of an incident file. */
export const CHECKLIST_HEADING = '## Response checklist';
const CHECKLIST_RE = /^##[ \t]+response checklist[ \t]*$/i;
const TASK_RE = /^[ \t]*[-*+][ \t]+\[([^\n])\][ \t]*([^\n]*)$/;

/** The response step a checklist line names by its first word (`Acknowledge within 15 minutes` → acknowledge). */
export function stepOf(text: string): ResponseStep | null {
  const word = (/^[*_`]*([A-Za-z-]+)/.exec(text)?.[1] ?? '').toLowerCase();
  return (RESPONSE_STEPS as readonly string[]).includes(word) ? (word as ResponseStep) : null;
}

/** Finds the `## Response checklist` section of a body: its lines `[start, end)`, or null. */
export function checklistSection(lines: readonly string[]): { start: number; end: number } | null {
  const start = lines.findIndex((l) => CHECKLIST_RE.test(l));
  if (start < 0) return null;
  let end = start + 1;
  while (end < lines.length && !/^#{1,2}[ \t]/.test(lines[end] as string)) end++;
  return { start, end };
}

/**
 * Reads the response checklist out of a body (`firstLine`: the body's line in the file, for
 * errors). Returns the body without the section, the items, and a `file:line` error for each
 * list item that is not a task (`- [ ] text` or `- [x] text`).
 */
export function parseChecklist(file: string, body: string, firstLine: number): { body: string; items: ChecklistItem[]; errors: ConfigError[] } {
  const lines = body.split('\n');
  const section = checklistSection(lines);
  if (!section) return { body, items: [], errors: [] };
  const items: ChecklistItem[] = [];
  const errors: ConfigError[] = [];
  for (let i = section.start + 1; i < section.end; i++) {
    const line = lines[i] as string;
    const task = TASK_RE.exec(line);
    const at = { file, line: firstLine + i, column: 1, path: 'Response checklist' };
    if (task) {
      const mark = task[1] as string;
      const text = (task[2] as string).trim();
      if (mark !== ' ' && mark.toLowerCase() !== 'x') errors.push(new ConfigError({ ...at, message: `expected "[ ]" (to do) or "[x]" (done), got "[${mark}]"` }));
      else if (!text) errors.push(new ConfigError({ ...at, message: 'expected the step after the box, such as "- [ ] Triage"' }));
      else items.push({ step: stepOf(text), text, done: mark !== ' ' });
    } else if (/^[ \t]*[-*+][ \t]/.test(line) || /^[ \t]*\[.?\]/.test(line)) {
      errors.push(new ConfigError({ ...at, message: 'expected a task such as "- [ ] Triage" or "- [x] Triage"' }));
    }
  }
  const rest = [...lines.slice(0, section.start), ...lines.slice(section.end)].join('\n');
  return { body: rest.trim(), items, errors };
}

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export interface ParsedIncident {
  incident: Incident | null;
  errors: ConfigError[];
}

function fileError(file: string, message: string, line = 1): ConfigError {
  return new ConfigError({ file, line, column: 1, path: '', message });
}

/** Splits a markdown file into its front matter (with leading blank lines so line numbers match) and body. */
export function splitFrontMatter(text: string): { yaml: string; body: string } | null {
  const m = FRONT_MATTER.exec(text.replace(/^\uFEFF/, ''));
  if (!m) return null;
  return { yaml: `\n${m[1] ?? ''}`, body: text.slice(m[0].length + (text.startsWith('\uFEFF') ? 1 : 0)) };
}

/** Incident files parsed lately, by name and text, most recently used last. */
const parsedCache = new Map<string, ParsedIncident>();
/** Files kept parsed: every open incident of a large page, several times over. */
const PARSED_CACHE_ENTRIES = 4096;

/**
 * Parses an incident file (its name under the status repo, and its text). The result depends on
 * nothing else, so a file parsed before with the same text is not parsed again: a round of
 * `cairn serve` with 200 open incidents reads every file four times (the automatic incidents,
 * the acknowledgements, the notifications, the model), and YAML and the schema cost ~1 ms a
 * file. The incident is frozen: callers share it.
 */
export function parseIncident(file: string, text: string): ParsedIncident {
  const key = `${file}\0${text}`;
  const known = parsedCache.get(key);
  if (known) {
    parsedCache.delete(key);
    parsedCache.set(key, known);
    return { incident: known.incident, errors: [...known.errors] };
  }
  const parsed = parseIncidentText(file, text);
  if (parsed.incident) deepFreeze(parsed.incident);
  parsedCache.set(key, parsed);
  if (parsedCache.size > PARSED_CACHE_ENTRIES) parsedCache.delete(parsedCache.keys().next().value as string);
  return { incident: parsed.incident, errors: [...parsed.errors] };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function parseIncidentText(file: string, text: string): ParsedIncident {
  const parts = splitFrontMatter(text);
  if (!parts) return { incident: null, errors: [fileError(file, 'expected front matter between two "---" lines at the top of the file')] };
  const source = parseSource(file, parts.yaml);
  const syntax = yamlErrors(source);
  if (syntax.length > 0) {
    return { incident: null, errors: syntax.map((p) => new ConfigError({ ...p.location, path: '', message: p.message })) };
  }
  const data: unknown = source.doc.toJS();
  const result = IncidentFrontMatter.safeParse(data, { error: () => DEFAULT_MESSAGE });
  if (!result.success) {
    const ctx = { source, data, schema: IncidentFrontMatter, redactor: new Redactor() };
    return { incident: null, errors: result.error.issues.flatMap((issue) => issueToErrors(issue, ctx)) };
  }
  const fm = result.data;
  const bodyLine = text.replace(/^\uFEFF/, '').slice(0, text.replace(/^\uFEFF/, '').length - parts.body.length).split('\n').length;
  const checklist = parseChecklist(file, parts.body, bodyLine);
  if (checklist.errors.length > 0) return { incident: null, errors: checklist.errors };
  const updates = (fm.updates ?? []).map((u) => ({ at: Date.parse(u.at), status: u.status, text: u.text })).sort((a, b) => a.at - b.at);
  const impact = fm.impact ?? 'major';
  const firstResolved = updates.find((u) => u.status === 'resolved');
  const incident: Incident = {
    id: file.replace(/^.*\//, '').replace(/\.md$/, ''),
    file,
    title: fm.title,
    impact,
    severity: fm.severity ?? SEVERITY_OF_IMPACT[impact],
    components: fm.components ?? [],
    auto: fm.auto ?? false,
    startedAt: Date.parse(fm.started),
    detectedAt: fm.detected ? Date.parse(fm.detected) : Date.parse(fm.started),
    resolvedAt: fm.resolved ? Date.parse(fm.resolved) : (firstResolved?.at ?? null),
    updates,
    body: checklist.body.trim(),
    owner: fm.owner ?? null,
    acknowledged: fm.acknowledged ? { at: Date.parse(fm.acknowledged.at), by: fm.acknowledged.by, via: fm.acknowledged.via ?? 'file' } : null,
    checklist: checklist.items,
    actions: (fm.actions ?? []).map((a) => ({ title: a.title, owner: a.owner ?? null, due: a.due ?? null, state: a.state ?? 'open' })),
  };
  const errors: ConfigError[] = [];
  const at = (key: string) => {
    const node = source.doc.get(key, true) as { range?: [number, number, number] } | undefined;
    const { line, col } = source.lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  };
  if (incident.resolvedAt !== null && incident.resolvedAt < incident.startedAt) {
    errors.push(new ConfigError({ file, ...at('resolved'), path: 'resolved', message: 'expected a time after "started"' }));
  }
  if (incident.acknowledged && incident.acknowledged.at < incident.startedAt) {
    const node = source.doc.getIn(['acknowledged', 'at'], true) as { range?: [number, number, number] } | undefined;
    const { line, col } = source.lineCounter.linePos(node?.range?.[0] ?? 0);
    errors.push(new ConfigError({ file, line, column: col, path: 'acknowledged.at', message: 'expected a time after "started"' }));
  }
  if (incident.detectedAt < incident.startedAt) {
    errors.push(new ConfigError({ file, ...at('detected'), path: 'detected', message: 'expected a time after "started"' }));
  }
  return { incident: errors.length ? null : incident, errors };
}
