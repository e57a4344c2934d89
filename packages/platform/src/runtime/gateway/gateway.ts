import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  errorHandler,
  installCors,
  installRateLimit,
  installSecurityHeaders,
  problem,
  type RateLimitOptions,
  sendProblem,
} from '../../http/index.js';
import { answerServerErrors, serverErrorOptions } from '../../http/server-errors.js';
import type { Logger } from '../../observability/index.js';
import type { Application } from '../application.js';
import type { ServiceAddresses } from '../service-addresses.js';
import { behindGateway, TOPOLOGY_PATH, type Topology } from '../topology.js';
import { registerWebPages } from '../web.js';
import { mergeOpenApi, type OpenApiDocument } from './openapi.js';
import { proxyRequest } from './proxy.js';

/** The name HTTP_SERVICES gives the built-in identity provider's process. */
export const IDENTITY_SERVICE = 'identity';
const IDENTITY_PATHS = ['/.well-known/*', '/oauth/*', '/auth/*', '/identity/*'];

export interface GatewayOptions {
  /** Each module's HTTP base URL, by module name (HTTP_SERVICES). */
  services: ServiceAddresses;
  /** Each module's application's path prefix ('' or absent: the root). */
  prefixes?: ReadonlyMap<string, string>;
  logger: Logger;
  info: OpenApiDocument['info'];
  /** What `GET /` answers (the landing page); otherwise it redirects to the API docs. */
  landingPage?: string;
  /** The applications whose web pages the gateway serves (the module processes serve none). */
  applications?: readonly Application[];
  /** How long an upstream's readiness or OpenAPI document may take. */
  probeTimeoutMs?: number;
  /** Requests per window for each caller, else each client address; absent or false: no limit. */
  rateLimit?: RateLimitOptions | false;
  /** The web origins whose pages may call the API from a browser (CORS_ORIGINS); absent or empty: none. */
  corsOrigins?: readonly string[];
  /** The largest request body passed on to a module, in bytes (default 1 MiB): HTTP_BODY_LIMIT, as theirs. */
  bodyLimit?: number;
  /** The proxies in front of the gateway (a load balancer, an ingress) whose X-Forwarded-For is believed. */
  trustProxy?: readonly string[];
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
  const bodyLimit = options.bodyLimit ?? 1_048_576;
  // Typed as Fastify's own logger, as are the servers the http helpers take.
  const logger: FastifyBaseLogger = options.logger;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit,
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: options.trustProxy?.length ? [...options.trustProxy] : false,
    // The gateway is the public face: what its server refuses itself is problem+json too.
    ...serverErrorOptions(logger),
  });
  answerServerErrors(app);
  // Preflights are answered here, for every module; the other CORS headers are copied onto proxied answers.
  await installCors(app, options.corsOrigins ?? []);
  // Set on the raw response, so a proxied answer carries them too (the upstream's own, the same, win).
  await installSecurityHeaders(app);
  // Here the client's own address is known: behind the gateway, the modules see it only as X-Forwarded-For.
  const limit = options.rateLimit ? await installRateLimit(app, options.rateLimit) : undefined;
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(limit ? { preHandler: limit } : {}, (request, reply) =>
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
  await registerWebPages(app, options.applications ?? [], options.logger);
  // Probes call often from one address: never limited.
  const unlimited = { schema: { hide: true }, config: { rateLimit: false } } as const;
  app.get('/liveness', unlimited, () => ({ status: 'up' }));
  app.get('/readiness', unlimited, async (_request, reply) => {
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

  app.get(TOPOLOGY_PATH, { schema: { hide: true } }, async (request, reply) => {
    const answer = await topology(services, request.headers, probeTimeoutMs);
    if ('processes' in answer) return answer;
    return reply.status(answer.status).type(answer.type).send(answer.body);
  });

  await app.register(async (proxied) => {
    // The body is streamed to the upstream as it comes: nothing here reads or parses it.
    proxied.removeAllContentTypeParsers();
    proxied.addContentTypeParser('*', (_request, _payload, done) => done(null));
    /** Sends the request on to `upstream` as it came, with what the gateway believes of where it came from. */
    const passOn = async (
      request: FastifyRequest,
      reply: FastifyReply,
      upstream: { base: string; path: string; name: string },
    ) => {
      // Fastify's view, which believes X-Forwarded-* only from the proxies in trustProxy.
      const forwarded = {
        for: [...(request.ips ?? [request.ip])].reverse().join(', '),
        host: request.host,
        proto: request.protocol,
      };
      // What the gateway's hooks said (CORS, the rate limit's count) goes with the answer, under the module's.
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) reply.raw.setHeader(name, value);
      }
      reply.hijack();
      await proxyRequest(request.raw, reply.raw, upstream, { forwarded, bodyLimit });
    };
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
        await passOn(request, reply, { base, path, name: module });
      };
    for (const prefix of prefixes) {
      proxied.all(`${prefix}/api/*`, forward(prefix, 'api'));
      proxied.all(`${prefix}/admin/*`, forward(prefix, 'admin'));
    }
    // The built-in identity provider's routes (discovery, tokens, web sessions) are its process's, as they are.
    const identity = services.get(IDENTITY_SERVICE);
    if (identity) {
      for (const path of IDENTITY_PATHS) {
        proxied.all(path, (request, reply) =>
          passOn(request, reply, { base: identity, path: request.raw.url ?? '/', name: IDENTITY_SERVICE }),
        );
      }
    }
  });
  return app;
}

/**
 * The system's topology as the gateway shows it (ADR 0041): every module process's own entry, asked with the
 * caller's credentials (each process decides who may see it: operators), its paths put behind
 * `/admin/<module>`. A process that does not answer is listed as unavailable, with its modules; when none
 * answers and one refused the caller, that refusal is the answer.
 */
async function topology(
  services: ServiceAddresses,
  headers: FastifyRequest['headers'],
  timeoutMs: number,
): Promise<Topology | { status: number; type: string; body: string }> {
  // Modules that share a process (one address) are asked once, through the first one's route.
  const processes = new Map<string, string[]>();
  for (const [module, base] of services) {
    if (module === IDENTITY_SERVICE) continue;
    processes.set(base, [...(processes.get(base) ?? []), module]);
  }
  const credentials = Object.fromEntries(
    (['authorization', 'cookie'] as const).flatMap((name) => {
      const value = headers[name];
      return typeof value === 'string' ? [[name, value]] : [];
    }),
  );
  type Answer = { module: string; modules: string[] } & (
    | { entry: Topology; refused?: never }
    | { entry?: never; refused: Response | undefined }
  );
  const answers = await Promise.all(
    [...processes].map(async ([base, modules]): Promise<Answer> => {
      const response = await fetch(`${base}${TOPOLOGY_PATH}`, {
        headers: credentials,
        signal: AbortSignal.timeout(timeoutMs),
      }).catch(() => undefined);
      const module = modules[0]!;
      if (response?.ok) return { module, modules, entry: (await response.json()) as Topology };
      return {
        module,
        modules,
        refused: response && (response.status === 401 || response.status === 403) ? response : undefined,
      };
    }),
  );
  const refused = answers.find((answer) => answer.refused)?.refused;
  if (refused && answers.every((answer) => !answer.entry)) {
    return {
      status: refused.status,
      type: refused.headers.get('content-type') ?? 'application/problem+json',
      body: await refused.text(),
    };
  }
  return {
    processes: answers.flatMap((answer) =>
      answer.entry
        ? answer.entry.processes.map((entry) => behindGateway(entry, answer.module))
        : [{ modules: answer.modules, admin: `/admin/${answer.module}`, available: false, applications: [] }],
    ),
  };
}
