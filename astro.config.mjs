// Astro compiles Cairn's status pages once, when Cairn is packed (scripts/build-site.ts), into a
// server bundle; `cairn build` renders every route of it into static files and `cairn serve`
// renders on request (src/site/render.ts). The base path, site URL and data come at render time.
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'middleware' }),
  // Styles go inline: a page never links a stylesheet whose path depends on where it is published.
  build: { format: 'directory', inlineStylesheets: 'always' },
  trailingSlash: 'ignore',
  devToolbar: { enabled: false },
  // No sessions, no image service: the pages only format the model.
  image: { service: { entrypoint: 'astro/assets/services/noop' } },
});
