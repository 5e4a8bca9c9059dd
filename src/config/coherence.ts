/**
 * Rules across settings that are each valid alone but make no sense together: thresholds out of
 * order (a check that could never be degraded), a max gap shorter than the interval (every
 * interval would end in no data), thresholds and timeouts that can never take effect.
 *
 * Values are compared as resolved (a check's own value, else `defaults`), and each problem is
 * reported where the user wrote the value that breaks the rule: the check's own field when it
 * has one, else the field of `defaults` (reported once there, not once per check).
 *
 * Errors: `thresholds.degraded` not below `thresholds.down`; `defaults.maxGap` below an interval;
 * a ping's `loss.degraded` above `loss.down`; a TLS check's `warningDays` below `criticalDays`.
 * Warnings (the run works, but a setting does nothing): a threshold not below the timeout (the
 * attempt times out first), a timeout longer than the run's deadline (the deadline ends it
 * first). A timeout longer than the interval is fine: each scheduled run stands alone. A tcp
 * check's `send` or `expect` text holding a literal backslash escape (`'PING\r\n'` in single
 * quotes) is a warning too.
 */
import type { Problems } from './problems.ts';
import type { ValidFile } from './resolve.ts';
import { type CheckConfig, formatDuration } from './schema.ts';
import type { ResolvedCheck, RunSettings, SourceLocation } from './types.ts';
import { formatPath, type PathKey } from './yaml-source.ts';

type DefaultsConfig = NonNullable<ValidFile['config']['defaults']>;

/** A resolved value and where it was written. */
interface Setting {
  value: number;
  location: SourceLocation;
  path: string;
  /** False when the check (or, at `defaults`, `defaults`) wrote the value itself. */
  inherited: boolean;
  /** Where an inherited value comes from: `from defaults.timeout`, `the default`. */
  origin: string | null;
}

const fmt = formatDuration;

/** `thresholds.down (2s, from defaults.thresholds.down)` or `thresholds.down (2s)`. */
function named(label: string, s: Setting): string {
  return `${label} (${fmt(s.value)}${s.origin ? `, ${s.origin}` : ''})`;
}

type FieldAt = (path: PathKey[]) => { location: SourceLocation; path: string };

function own(value: number | undefined, path: PathKey[], at: FieldAt): Setting | null {
  return value === undefined ? null : { value, ...at(path), inherited: false, origin: null };
}

/** The check's own value, else the one of `defaults` (reported there). */
function ownOrDefault(value: number | undefined, path: PathKey[], at: FieldAt, dflt: number | undefined, dfltAt: FieldAt | null): Setting | null {
  if (value !== undefined) return own(value, path, at);
  if (dflt === undefined || !dfltAt) return null;
  const where = dfltAt(path);
  return { value: dflt, ...where, inherited: true, origin: `from ${where.path}` };
}

/** A value nobody wrote: Cairn's own default, reported (if ever) at `at`. */
function cairnDefault(value: number, at: { location: SourceLocation; path: string }): Setting {
  return { value, ...at, inherited: true, origin: 'the default' };
}

/**
 * Response-time thresholds in order, and within the timeout. A problem among inherited values
 * only was reported at `defaults` already.
 */
function checkThresholds(degraded: Setting | null, down: Setting | null, timeout: Setting, problems: Problems): void {
  const written = (...s: (Setting | null)[]) => s.some((x) => x !== null && !x.inherited);
  if (degraded && down && degraded.value >= down.value && written(degraded, down)) {
    const at = degraded.inherited ? down : degraded;
    problems.error(
      at.location,
      at.path,
      `expected ${named('thresholds.degraded', degraded)} below ${named('thresholds.down', down)}: a response slower than the down threshold is down, so the check could never be degraded`,
    );
  }
  for (const [label, t] of [['thresholds.degraded', degraded], ['thresholds.down', down]] as const) {
    if (!t || t.value < timeout.value || !written(t, timeout)) continue;
    const at = t.inherited ? timeout : t;
    problems.warn(at.location, at.path, `${named(label, t)} is not below ${named('the timeout', timeout)}: an attempt that slow times out first (down), so this threshold never applies`);
  }
}

function checkDeadline(timeout: Setting, run: RunSettings, deadlineSet: boolean, problems: Problems): void {
  if (timeout.value <= run.deadlineMs) return;
  const deadline = deadlineSet ? `defaults.deadline (${fmt(run.deadlineMs)})` : `the default deadline (${fmt(run.deadlineMs)})`;
  problems.warn(
    timeout.location,
    timeout.path,
    `${named('the timeout', timeout)} is longer than ${deadline}: the run's deadline ends a slow attempt first, and the check is then stored as no data`,
  );
}

function checkDefaults(settings: ValidFile, defaults: DefaultsConfig, run: RunSettings, problems: Problems): void {
  const at: FieldAt = (path) => ({ location: settings.locate(['defaults', ...path]), path: formatPath(['defaults', ...path]) });
  if (defaults.maxGap !== undefined && defaults.maxGap < run.intervalMs) {
    const g = at(['maxGap']);
    problems.error(
      g.location,
      g.path,
      `expected a max gap of at least the interval (${fmt(run.intervalMs)}${defaults.interval === undefined ? ', the default' : ''}): a sample holds until the next run for at most the max gap, so every interval would end in no data`,
    );
  }
  const timeout = own(defaults.timeout, ['timeout'], at);
  const degraded = own(defaults.thresholds?.degraded, ['thresholds', 'degraded'], at);
  const down = own(defaults.thresholds?.down, ['thresholds', 'down'], at);
  checkThresholds(degraded, down, timeout ?? cairnDefault(run.timeoutMs, at(['timeout'])), problems);
  if (timeout) checkDeadline(timeout, run, defaults.deadline !== undefined, problems);
  else if (defaults.deadline !== undefined) checkDeadline(cairnDefault(run.timeoutMs, at(['deadline'])), run, true, problems);
}

function checkOne(check: CheckConfig, resolved: ResolvedCheck, at: FieldAt, dfltAt: FieldAt | null, defaults: DefaultsConfig | undefined, run: RunSettings, problems: Problems): void {
  const timeout = ownOrDefault(check.timeout, ['timeout'], at, defaults?.timeout, dfltAt) ?? cairnDefault(resolved.timeoutMs, at(['timeout']));
  const own = 'thresholds' in check ? check.thresholds : undefined;
  const degraded = ownOrDefault(own?.degraded, ['thresholds', 'degraded'], at, defaults?.thresholds?.degraded, dfltAt);
  const down = ownOrDefault(own?.down, ['thresholds', 'down'], at, defaults?.thresholds?.down, dfltAt);
  checkThresholds(degraded, down, timeout, problems);
  if (!timeout.inherited) checkDeadline(timeout, run, defaults?.deadline !== undefined, problems);

  if (defaults?.maxGap !== undefined && check.interval !== undefined && check.interval > defaults.maxGap) {
    const where = at(['interval']);
    problems.error(
      where.location,
      where.path,
      `expected an interval of at most defaults.maxGap (${fmt(defaults.maxGap)}): a sample holds for at most the max gap, so part of every interval would be no data; raise defaults.maxGap`,
    );
  }
  if (check.kind === 'ping' && resolved.kind === 'ping' && resolved.loss.degradedPercent > resolved.loss.downPercent) {
    const where = at(check.loss?.degraded !== undefined ? ['loss', 'degraded'] : ['loss', 'down']);
    problems.error(
      where.location,
      where.path,
      `expected loss.degraded (${resolved.loss.degradedPercent}%${check.loss?.degraded === undefined ? ', the default' : ''}) at most loss.down (${resolved.loss.downPercent}%${check.loss?.down === undefined ? ', the default' : ''}): the check could never be degraded`,
    );
  }
  if (check.kind === 'tcp') checkTcpEscapes(check, at, problems);
  if (check.kind === 'tls' && resolved.kind === 'tls' && resolved.warningDays < resolved.criticalDays) {
    const where = at(check.warningDays !== undefined ? ['warningDays'] : ['criticalDays']);
    const dflt = (given: number | undefined) => (given === undefined ? ', the default' : '');
    problems.error(
      where.location,
      where.path,
      `expected warningDays (${resolved.warningDays}${dflt(check.warningDays)}) at least criticalDays (${resolved.criticalDays}${dflt(check.criticalDays)}): a certificate would be down before it could be degraded`,
    );
  }
}

const LITERAL_ESCAPE = /\\(r|n|t|0|x[0-9a-fA-F]{2})/;

/**
 * `send: 'PING\r\n'` (single quotes, or none) sends a backslash and an "r": YAML turns escapes into
 * characters only inside double quotes. Almost never what was meant, so it is said.
 */
function checkTcpEscapes(check: Extract<CheckConfig, { kind: 'tcp' }>, at: FieldAt, problems: Problems): void {
  const texts: [PathKey[], string][] = [];
  if (typeof check.send === 'string') texts.push([['send'], check.send]);
  if (typeof check.expect === 'string') texts.push([['expect'], check.expect]);
  else if (check.expect?.contains !== undefined) {
    const contains = check.expect.contains;
    if (typeof contains === 'string') texts.push([['expect', 'contains'], contains]);
    else contains.forEach((c, j) => texts.push([['expect', 'contains', j], c]));
  }
  for (const [path, text] of texts) {
    const m = LITERAL_ESCAPE.exec(text);
    if (!m) continue;
    const where = at(path);
    problems.warn(
      where.location,
      where.path,
      `holds a backslash followed by "${m[1]}", sent and matched as those two characters: YAML turns \\${m[1]} into a control character only inside double quotes ("PING\\r\\n")${path[0] === 'send' ? ', or give the bytes as send: { hex: "..." }' : ''}`,
    );
  }
}

/**
 * Reports the incoherent settings of `defaults` and of every check (`checks`: as resolved, by
 * id; the first definition of an id is the one checked, as in resolution).
 */
export function checkCoherence(files: readonly ValidFile[], checks: readonly ResolvedCheck[], run: RunSettings, problems: Problems): void {
  const settings = files.find((f) => f.role === 'settings');
  const defaults = settings?.config.defaults;
  if (settings && defaults) checkDefaults(settings, defaults, run, problems);
  const byId = new Map(checks.map((c) => [c.id, c]));
  const seen = new Set<string>();
  for (const file of files) {
    (file.config.checks ?? []).forEach((check, i) => {
      const resolved = byId.get(check.id);
      if (!resolved || seen.has(check.id)) return;
      seen.add(check.id);
      const at: FieldAt = (path) => ({ location: file.locate(['checks', i, ...path]), path: formatPath(['checks', i, ...path]) });
      const dfltAt: FieldAt | null = settings ? (path) => ({ location: settings.locate(['defaults', ...path]), path: formatPath(['defaults', ...path]) }) : null;
      checkOne(check, resolved, at, dfltAt, defaults, run, problems);
    });
  }
}
