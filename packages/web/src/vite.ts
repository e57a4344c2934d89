import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { UserConfig } from 'vite';

export interface WebConfigOptions {
  /** The application's `web/` folder: `import.meta.url` of its vite.config.ts. */
  readonly root: string | URL;
  /** The application's path prefix ('' for the root): pages and their assets are built under it. */
  readonly prefix: string;
  /** Its pages, one folder each with an index.html (`kiosk`, `console`). */
  readonly pages: readonly string[];
  /** Where `npm run dev:web` sends API calls (a running `npm start`). Default http://localhost:8080. */
  readonly api?: string;
}

/**
 * One build for every application's web (ADR 0037): React with Vite, one entry per page, hashed assets under
 * `<prefix>/assets/`, no inline script (the servers' Content-Security-Policy allows only their own files).
 */
export function defineWebConfig(options: WebConfigOptions): UserConfig {
  const root = fileURLToPath(new URL('.', options.root));
  const api = options.api ?? process.env.WEB_API ?? 'http://localhost:8080';
  const proxied = ['/api', '/admin', '/auth', '/oauth', '/identity', '/.well-known'];
  return {
    root,
    base: `${options.prefix}/`,
    plugins: [react()],
    logLevel: 'warn',
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      // The polyfill is an inline script, which the CSP refuses; every browser pages support has modulepreload.
      modulePreload: { polyfill: false },
      rollupOptions: {
        input: Object.fromEntries(options.pages.map((page) => [page, `${root}${page}/index.html`])),
      },
    },
    server: {
      proxy: Object.fromEntries(
        proxied
          .map((path) => [`${options.prefix}${path}`, api])
          .concat(
            options.prefix
              ? proxied.filter((path) => path !== '/api' && path !== '/admin').map((path) => [path, api])
              : [],
          ),
      ),
    },
  };
}
