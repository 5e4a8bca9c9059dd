import { loadConfig } from '../../config/load.ts';
import { sendTest } from '../../notify/notify.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { EXIT_INTERNAL, UsageError } from '../errors.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';

export const notify: Command = {
  summary: 'Send a test message to a notification channel: cairn notify test --channel <name>',
  usage: 'cairn notify test --channel <name> [--dir <status-repo>]',
  async run(args, out) {
    const { values, positionals } = parse(args, { ...DIR_OPTION, channel: { type: 'string' } }, true);
    if (positionals[0] !== 'test' || positionals.length !== 1) throw new UsageError('expected the subcommand "test"');
    const config = await loadConfig(statusDir(values.dir));
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    const names = config.notifications.channels.map((c) => c.name);
    if (!values.channel) throw new UsageError(`--channel is required (channels: ${names.join(', ') || 'none; add notifications.channels to cairn.yaml'})`);
    if (!names.includes(values.channel)) throw new UsageError(`unknown channel "${values.channel}" (channels: ${names.join(', ') || 'none'})`);
    const record = await sendTest(config, values.channel, out);
    // The command's job is the delivery: a failed one is a failure (1), with the reason logged.
    return record.status === 'sent' ? 0 : EXIT_INTERNAL;
  },
};
