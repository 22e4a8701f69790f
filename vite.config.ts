import path from 'node:path';
import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  resolve: { alias: { '~': path.resolve(import.meta.dirname, 'app') } },
  plugins: [
    // Keep the Remix plugin out of vitest (stack notes).
    !process.env.VITEST &&
      remix({
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_singleFetch: true,
          v3_lazyRouteDiscovery: true,
        },
      }),
  ],
  // Server-only packages: pre-bundling them makes the dev server reload on first page load.
  optimizeDeps: { exclude: ['pg', 'kysely', '@electric-sql/pglite', '@remix-run/node', 'pino'] },
  build: { target: 'es2022' },
});
