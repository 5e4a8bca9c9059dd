/**
 * `cairn heartbeat <id>`: a job says it ran. Appends one signal line to data/heartbeats/ and
 * commits and pushes it with the same git code as `cairn run` (fetch, rebase, retry; the
 * heartbeat files merge by line union, so racing signals and runs all land). The next `cairn run`
 * reads the latest signal (src/checks/heartbeat.ts).
 *
 * `--status fail` reports a failed run (the heartbeat goes down with `--message`); `--at` dates
 * the signal when the job ran earlier than now (never in the future); `--source` says where it
 * came from (default: the GitHub Actions run, when there is one).
 *
 * `CAIRN_HEARTBEAT_ID`, `CAIRN_HEARTBEAT_STATUS`, `CAIRN_HEARTBEAT_MESSAGE` and
 * `CAIRN_HEARTBEAT_SOURCE` stand in for the id and the options when they are not given (an empty value counts as not given): a workflow passes what
 * a `repository_dispatch` carried through the environment, never through a shell command line.
 */
import { loadConfig } from '../../config/load.ts';
import { cleanMessage, type SignalStatus } from '../../checks/heartbeat-signals.ts';
import { CLOCK_SKEW_MS } from '../../checks/heartbeat.ts';
import { commitAndPush, ensureGitattributes, gitIdentity } from '../../store/git.ts';
import { appendSignal } from '../../store/heartbeats.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';

/** What `cairn heartbeat` stages. */
export const HEARTBEAT_PATHS = ['data/heartbeats', '.gitattributes'];

/** The GitHub Actions run this command runs in, as a URL; null outside Actions. */
export function actionsRunUrl(env: NodeJS.ProcessEnv): string | null {
  const server = env['GITHUB_SERVER_URL'];
  const repo = env['GITHUB_REPOSITORY'];
  const run = env['GITHUB_RUN_ID'];
  return server && repo && run ? `${server}/${repo}/actions/runs/${run}` : null;
}

export const heartbeat: Command = {
  summary: 'Record that a job ran (a heartbeat signal), commit and push it',
  usage: 'cairn heartbeat <id> [--status ok|fail] [--message <text>] [--at <ISO time>] [--source <text>] [--no-commit] [--no-push] [--dir <status-repo>]',
  async run(args, out) {
    const { values, positionals } = parse(
      args,
      {
        ...DIR_OPTION,
        status: { type: 'string' },
        message: { type: 'string' },
        at: { type: 'string' },
        source: { type: 'string' },
        'no-commit': { type: 'boolean' },
        'no-push': { type: 'boolean' },
      },
      true,
    );
    const env = (name: string): string | undefined => (process.env[name]?.trim() ? process.env[name] : undefined);
    const fromEnv = positionals.length === 0 ? env('CAIRN_HEARTBEAT_ID')?.trim() : undefined;
    if (positionals.length !== 1 && fromEnv === undefined) throw new UsageError('expected one heartbeat id: cairn heartbeat <id> (or CAIRN_HEARTBEAT_ID)');
    const id = (positionals[0] ?? fromEnv) as string;
    const status = (values.status ?? env('CAIRN_HEARTBEAT_STATUS') ?? 'ok') as SignalStatus;
    if (status !== 'ok' && status !== 'fail') throw new UsageError(`--status (or CAIRN_HEARTBEAT_STATUS) expects ok or fail, not ${JSON.stringify(status)}`);
    const now = Date.now();
    const at = values.at === undefined ? now : Date.parse(values.at);
    if (Number.isNaN(at)) throw new UsageError(`--at expects a time such as 2026-11-24T03:00:00Z, not ${JSON.stringify(values.at)}`);
    if (at > now + CLOCK_SKEW_MS) throw new UsageError(`--at ${values.at} is in the future: a signal says a job has run`);

    const dir = statusDir(values.dir);
    // Secrets the checks need are not needed to record a signal (a workflow may not have them).
    const config = await loadConfig(dir, { missingEnv: 'keep' });
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    const check = config.checks.find((c) => c.id === id);
    const heartbeats = config.checks.filter((c) => c.kind === 'heartbeat').map((c) => c.id);
    const known = heartbeats.length > 0 ? `the heartbeats are: ${heartbeats.join(', ')}` : 'no check has kind: heartbeat';
    if (!check) throw new UsageError(`no check has the id "${id}"; ${known}`);
    if (check.kind !== 'heartbeat') throw new UsageError(`check "${id}" is a ${check.kind} check, not a heartbeat; ${known}`);

    const messageText = values.message ?? env('CAIRN_HEARTBEAT_MESSAGE');
    const message = messageText === undefined ? null : cleanMessage(config.redactor.redact(messageText)) || null;
    const sourceText = values.source?.trim() ? values.source : env('CAIRN_HEARTBEAT_SOURCE');
    const source = sourceText === undefined ? actionsRunUrl(process.env) : cleanMessage(config.redactor.redact(sourceText)) || null;
    const file = await appendSignal(dir, { id, at, status, message, source });
    const when = new Date(at).toISOString();
    out.info(`Signal for ${id}: ${status} at ${when}${message ? ` (${message})` : ''}; wrote ${file}`);

    if (values['no-commit']) return 0;
    const wroteRule = await ensureGitattributes(dir);
    if (wroteRule) out.info('Wrote .gitattributes (heartbeat files merge by line union).');
    const jitter = Number(process.env['CAIRN_PUSH_JITTER_MS'] ?? 1000);
    const res = await commitAndPush(dir, {
      message: `heartbeat ${id}: ${status} [skip ci]`,
      identity: gitIdentity(config.store.git),
      paths: HEARTBEAT_PATHS,
      push: config.store.git.push && !values['no-push'],
      maxAttempts: config.store.git.pushAttempts,
      jitterMs: Number.isFinite(jitter) && jitter >= 0 ? jitter : 1000,
      log: (m) => out.info(m),
    });
    if (res.committed) out.info(`Committed: heartbeat ${id}: ${status}`);
    if (res.pushed) out.info(`Pushed to ${res.upstream}${res.attempts > 1 ? ` after ${res.attempts} attempts (${res.rebases} rebased, ${res.replays} replayed)` : ''}.`);
    else if (res.upstream === null && config.store.git.push && !values['no-push']) out.info('No upstream branch: not pushed.');
    return 0;
  },
};
