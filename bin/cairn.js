#!/usr/bin/env node
// The `cairn` command. The installed package runs the JavaScript compiled when it was packed
// (dist/); a checkout of Cairn's repository runs its TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(fileURLToPath(source))) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
const code = await main(process.argv.slice(2));
// The command is done: sockets or timers a check left behind (a target that never answers, a
// keep-alive pool) must not hold the process. stdout and stderr are written synchronously on
// files and pipes, so nothing printed is lost.
process.exit(code);
