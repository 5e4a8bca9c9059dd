// Compiles the status pages once for the whole run (the first `cairn build` would otherwise do it
// in every test process at once) and points every test process and child at them.
import { siteBundleDir } from '../src/site/bundle.ts';

export default async function setup(): Promise<void> {
  process.env['CAIRN_SITE_BUNDLE'] ??= await siteBundleDir();
}
