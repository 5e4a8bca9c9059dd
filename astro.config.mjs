// Astro builds Cairn's status site. `cairn build` passes root, outDir, site and base inline;
// this file holds what does not change between status repos.
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

// Live mode (`cairn serve`, a later issue) renders on demand through the Node adapter.
// The default is a plain static build: no adapter, every page prerendered.
const live = process.env.CAIRN_LIVE === '1';

export default defineConfig({
  output: 'static',
  ...(live ? { adapter: node({ mode: 'standalone' }) } : {}),
  build: { format: 'directory' },
  trailingSlash: 'ignore',
  devToolbar: { enabled: false },
});
