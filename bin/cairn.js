#!/usr/bin/env node
// The `cairn` command. Cairn is written in TypeScript and runs from source through tsx,
// so a fresh clone needs no build step before `npx cairn`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// Everything the command does is awaited by now: what is left (a socket of an attempt given up
// at the deadline, a pool's idle connection) must not keep the process alive. Flush, then exit.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))));
process.exit(code);
