// Compiles the status pages once for the whole run (the first `cairn build` would otherwise do it
// in every test process at once) and points every test process and child at them; compiles the
// CLI the tests run as children once (test/test-cli.ts), again when watch mode reruns the tests.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { siteBundleDir } from '../src/site/bundle.ts';
import { compileCli } from './test-cli.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [bundle, cli] = await Promise.all([siteBundleDir(), process.env['CAIRN_TEST_CLI'] ? undefined : compileCli()]);
  process.env['CAIRN_SITE_BUNDLE'] ??= bundle;
  if (cli) {
    process.env['CAIRN_TEST_CLI'] = cli;
    const dir = path.dirname(path.dirname(cli));
    project.onTestsRerun(async () => {
      await compileCli(dir);
    });
    return () => rm(dir, { recursive: true, force: true });
  }
  return async () => {};
}
