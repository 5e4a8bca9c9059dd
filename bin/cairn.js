#!/usr/bin/env node
// The `cairn` command. Cairn is written in TypeScript and runs from source through tsx,
// so a fresh clone needs no build step before `npx cairn`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
