import { jsonSchema } from '../../config/schema.ts';
import { parse } from '../args.ts';
import type { Command } from '../command.ts';

export const schema: Command = {
  summary: 'Print the JSON Schema of Cairn configuration files (for editor autocompletion)',
  usage: 'cairn schema',
  async run(args, out) {
    parse(args, {});
    out.data(JSON.stringify(jsonSchema(), null, 2));
    return 0;
  },
};
