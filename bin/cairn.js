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
// Everything the command does is awaited by now: what is left (a socket of an attempt given up
// at the deadline, a pool's idle connection) must not keep the process alive. Flush, then exit.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))));
process.exit(code);
