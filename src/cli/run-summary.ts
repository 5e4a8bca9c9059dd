/**
 * The job summary lines `cairn run` adds after its checks: what was committed and pushed, and
 * when the job really started. GitHub starts scheduled workflows late (minutes, sometimes an
 * hour): samples are stamped with the time the checks ran, never the scheduled time, and the
 * summary shows the delay so a late schedule is visible instead of silent.
 */
export interface RunSummaryInput {
  message: string;
  committed: boolean;
  pushed: boolean;
  upstream: string | null;
  attempts: number;
  /** When the checks started. */
  startedAt: Date;
}

/** Start of the schedule slot `at` falls in, for a cron every `intervalMs` (a divisor of an hour or a day). */
export function slotStart(at: number, intervalMs: number): number {
  return at - (at % intervalMs);
}

export function runSummary(input: RunSummaryInput, env: NodeJS.ProcessEnv = process.env, intervalMs = 5 * 60_000): string {
  const lines: string[] = [];
  const push = input.pushed
    ? `pushed to ${input.upstream}${input.attempts > 1 ? ` after ${input.attempts} attempts` : ''}`
    : input.upstream === null
      ? 'not pushed (no upstream or --no-push)'
      : 'not pushed';
  lines.push(`- Commit: ${input.committed ? `\`${input.message.replace(/`/g, "'")}\`` : 'nothing to commit'}; ${push}`);
  const jobStart = Date.parse(env['CAIRN_RUN_STARTED_AT'] ?? '');
  if (!Number.isNaN(jobStart)) {
    const setup = Math.max(0, Math.round((input.startedAt.getTime() - jobStart) / 1000));
    lines.push(`- Job started ${new Date(jobStart).toISOString()}; checks started ${setup} s later (setup)`);
    if (env['GITHUB_EVENT_NAME'] === 'schedule' && intervalMs > 0) {
      const late = Math.round((jobStart - slotStart(jobStart, intervalMs)) / 1000);
      lines.push(
        `- Scheduled run: started ${Math.floor(late / 60)} min ${late % 60} s into its ${Math.round(intervalMs / 60_000)}-minute slot (GitHub delays schedules; samples carry the real time)`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
