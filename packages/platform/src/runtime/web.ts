import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { anyone } from '../identity/audience.js';
import type { Logger } from '../observability/index.js';
import type { Application } from './application.js';

const builtAt = (folder: string) => {
  try {
    return statSync(folder).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Serves the applications' web pages (ADR 0038) from what `npm run build:web` wrote: each page's `index.html`
 * at `<prefix><path>` and at every path under it (the page routes itself), and the hashed files of
 * `<prefix>/assets/`. They are for anyone: a page holds no data, the API's audiences guard that. Asset names
 * change with their content, so browsers keep them for a year; a page's HTML is checked again each time, so a
 * new build is seen at once. Pages that were never built answer 503 with the command that builds them.
 */
export async function registerWebPages(
  http: FastifyInstance,
  applications: readonly Application[],
  logger: Logger,
): Promise<void> {
  const withWeb = applications.filter((application) => application.web !== undefined);
  if (withWeb.length === 0) return;
  // Only the reply's sendFile: the routes are declared here, each with its audience, so none is reachable by
  // accident and an unknown path under a prefix stays the API's problem+json 404.
  await http.register(fastifyStatic, { root: fileURLToPath(withWeb[0]!.web!.dist), serve: false });
  // Static files are cheap and a page loads several at once: they do not count against a caller's budget.
  const config = { audience: anyone, rateLimit: false as const };
  const schema = { hide: true };
  for (const application of withWeb) {
    const web = application.web!;
    const root = fileURLToPath(web.dist);
    const prefix = application.pathPrefix;
    const built = builtAt(root);
    if (!built) {
      logger.warn(
        { application: application.name, dist: root },
        'web pages are not built: run npm run build:web (npm start does it first)',
      );
    }
    const notBuilt = (reply: FastifyReply) =>
      reply
        .status(503)
        .type('application/problem+json')
        .send({
          type: 'about:blank',
          status: 503,
          title: `the web pages of ${application.title} are not built: run npm run build:web`,
          code: 'web_not_built',
        });
    http.get<{ Params: { '*': string } }>(`${prefix}/assets/*`, { config, schema }, (request, reply) =>
      built
        ? reply.sendFile(`assets/${request.params['*']}`, root, { immutable: true, maxAge: '365d' })
        : notBuilt(reply),
    );
    for (const page of web.pages) {
      const index = (_request: unknown, reply: FastifyReply) =>
        built
          ? reply.header('cache-control', 'no-cache').sendFile(`${page.path.slice(1)}index.html`, root, {
              cacheControl: false,
            })
          : notBuilt(reply);
      http.get(`${prefix}${page.path}`, { config, schema }, index);
      http.get(`${prefix}${page.path}*`, { config, schema }, index);
    }
  }
}
