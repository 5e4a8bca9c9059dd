// Compiles the status pages once for the whole run (the first `cairn build` would otherwise do it
// in every test process at once) and points every test process and child at them; likewise the
// CLI the tests run as children (test/test-cli.ts), again when watch mode reruns after a change.
import type { TestProject } from 'vitest/node';
import { siteBundleDir } from '../src/site/bundle.ts';
import { compiledCli } from './test-cli.ts';

export default async function setup(project: TestProject): Promise<void> {
  const own = !process.env['CAIRN_TEST_CLI'];
  const [bundle, cli] = await Promise.all([siteBundleDir(), own ? compiledCli() : undefined]);
  process.env['CAIRN_SITE_BUNDLE'] ??= bundle;
  if (cli) {
    process.env['CAIRN_TEST_CLI'] = cli;
    project.onTestsRerun(async () => {
      process.env['CAIRN_TEST_CLI'] = await compiledCli();
    });
  }
}
