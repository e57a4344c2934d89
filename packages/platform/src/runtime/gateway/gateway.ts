import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { problem, sendProblem } from '../../http/index.js';
import { answerServerErrors, serverErrorOptions } from '../../http/server-errors.js';
import type { Logger } from '../../observability/index.js';
import type { ServiceAddresses } from '../service-addresses.js';
import { mergeOpenApi, type OpenApiDocument } from './openapi.js';
import { proxyRequest } from './proxy.js';

export interface GatewayOptions {
  /** Each module's HTTP base URL, by module name (HTTP_SERVICES). */
  services: ServiceAddresses;
  /** Each module's application's path prefix ('' or absent: the root). */
  prefixes?: ReadonlyMap<string, string>;
  logger: Logger;
  info: OpenApiDocument['info'];
  /** What `GET /` answers (the landing page); otherwise it redirects to the API docs. */
  landingPage?: string;
  /** How long an upstream's readiness or OpenAPI document may take. */
  probeTimeoutMs?: number;
}

/**
 * The public face of the distributed topology: the same routes as one process. `<prefix>/api/<module>/...` goes
 * to that module's process as is; `<prefix>/admin/<module>/...` to that process's `<prefix>/admin/...` (the
 * prefix is the module's application's, '' for the root); /docs and /openapi.json show one document merged
 * from every process's own; /readiness is ready when every process is.
 */
export async function createGateway(options: GatewayOptions) {
  const { services } = options;
  const prefixOf = (module: string) => options.prefixes?.get(module) ?? '';
  const prefixes = new Set(['', ...[...services.keys()].map(prefixOf)]);
  const probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
  const app = Fastify({
    loggerInstance: options.logger,
    routerOptions: { ignoreTrailingSlash: true },
    // The gateway is the public face: what its server refuses itself is problem+json too.
    ...serverErrorOptions(options.logger),
  });
  answerServerErrors(app);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem(404, `no route for ${request.method} ${request.url.split('?')[0]}`, { code: 'no_route' }),
    ),
  );

  const probe = async (base: string, path: string) =>
    fetch(`${base}${path}`, { signal: AbortSignal.timeout(probeTimeoutMs) }).catch(() => undefined);

  async function mergedDocument(): Promise<OpenApiDocument> {
    const fetched = await Promise.all(
      [...services].map(async ([module, base]) => {
        const response = await probe(base, '/openapi.json');
        const document = response?.ok ? ((await response.json()) as OpenApiDocument) : undefined;
        return { module, prefix: prefixOf(module), document };
      }),
    );
    const missing = fetched.filter(({ document }) => !document).map(({ module }) => module);
    return mergeOpenApi(
      {
        ...options.info,
        description: [
          options.info.description,
          "Operators: each process's /admin/... routes are at /admin/<module>/... here.",
          missing.length > 0 ? `Not answering now, so not shown: ${missing.join(', ')}.` : undefined,
        ]
          .filter(Boolean)
          .join('\n\n'),
      },
      fetched.flatMap(({ module, prefix, document }) => (document ? [{ module, prefix, document }] : [])),
    );
  }

  await app.register(swagger, { openapi: { openapi: '3.1.0', info: options.info } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Swagger UI reads /docs/json: it gets the merged document, not the gateway's own (empty) one.
    uiHooks: {
      preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
        if (request.routeOptions.url === '/docs/json') return reply.send(await mergedDocument());
      },
    },
  });
  const landing = options.landingPage;
  app.get('/', { schema: { hide: true } }, (_request, reply) =>
    landing === undefined ? reply.redirect('/docs') : reply.type('text/html; charset=utf-8').send(landing),
  );
  app.get('/openapi.json', { schema: { hide: true } }, () => mergedDocument());
  app.get('/liveness', { schema: { hide: true } }, () => ({ status: 'up' }));
  app.get('/readiness', { schema: { hide: true } }, async (_request, reply) => {
    const checks = Object.fromEntries(
      await Promise.all(
        [...services].map(
          async ([module, base]) => [module, (await probe(base, '/readiness'))?.ok === true] as const,
        ),
      ),
    );
    const ready = Object.values(checks).every(Boolean);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  await app.register(async (proxied) => {
    // The body is streamed to the upstream as it comes: nothing here reads or parses it.
    proxied.removeAllContentTypeParsers();
    proxied.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const forward =
      (prefix: string, kind: 'api' | 'admin') => async (request: FastifyRequest, reply: FastifyReply) => {
        const url = request.raw.url ?? '/';
        const [, module = ''] = /^\/[^/?#]+\/([^/?#]+)/.exec(url.slice(prefix.length)) ?? [];
        const base = services.get(module);
        // The platform's own admin routes are at the root of every process, whatever its application.
        const known =
          base !== undefined && (prefixOf(module) === prefix || (kind === 'admin' && prefix === ''));
        if (!known) {
          const here = [...services.keys()].filter((name) => kind === 'admin' || prefixOf(name) === prefix);
          return sendProblem(
            reply,
            problem(
              404,
              `no module ${JSON.stringify(module)} behind ${prefix}/${kind}/ (known: ${here.join(', ')})`,
              {
                code: 'no_route',
              },
            ),
          );
        }
        // /api paths are the module's own; <prefix>/admin/<module>/x is that process's <prefix>/admin/x.
        const path = kind === 'api' ? url : `${prefix}/admin${url.slice(`${prefix}/admin/${module}`.length)}`;
        reply.hijack();
        await proxyRequest(request.raw, reply.raw, { base, path, name: module });
      };
    for (const prefix of prefixes) {
      proxied.all(`${prefix}/api/*`, forward(prefix, 'api'));
      proxied.all(`${prefix}/admin/*`, forward(prefix, 'admin'));
    }
  });
  return app;
}
