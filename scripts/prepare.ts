/**
 * `npm ci` / `npm install` in a checkout (npm's `prepare`): compiles the status pages into the
 * checkout's cache, so the first `npm run demo` or `cairn build` does not wait for it. Not on
 * `npm pack`, whose prepack compiles the package itself.
 */
import { siteBundleDir } from '../src/site/bundle.ts';

if (!['pack', 'publish'].includes(process.env['npm_command'] ?? '')) {
  const started = performance.now();
  const dir = await siteBundleDir();
  console.log(`status pages ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${dir}`);
}
