import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { anyone } from '../identity/audience.js';
import {
  type AuthenticationOptions,
  installAuthentication,
  SESSION_COOKIE,
} from '../identity/authentication.js';
import { metricsAnswer } from '../observability/metrics.js';
import { installCors } from './cors.js';
import { refuseForgeableRequests } from './forgery.js';
import { type IdempotencyOptions, idempotencyDescription, installIdempotency } from './idempotency.js';
import { httpRequestDuration } from './metrics.js';
import { errorHandler, problem, sendProblem } from './problem.js';
import { installRateLimit, type RateLimitOptions } from './rate-limit.js';
import { installSecurityHeaders } from './security-headers.js';
import { answerServerErrors, serverErrorOptions } from './server-errors.js';
import { refuseUnstorableText } from './storable-input.js';
import { installRequestTracing, sampledSpanOf } from './tracing.js';

export type HttpServer = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface HttpServerOptions {
  logger: FastifyBaseLogger;
  title: string;
  version: string;
  description?: string;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** Each check returns true when its dependency is ready; `/readiness` is 503 while any is false. */
  readiness?: Record<string, () => Promise<boolean>>;
  tags?: Array<{ name: string; description: string }>;
  /** The HTML page `GET /` answers; without one, it redirects to the API docs. */
  landingPage?: string;
  /** With a database, every mutating route accepts an `Idempotency-Key` (ADR 0010). */
  idempotency?: IdempotencyOptions;
  /** Requests per window for each caller, else each address; absent or false: no limit. */
  rateLimit?: RateLimitOptions | false;
  /** The web origins (`https://host[:port]`) whose pages may call this server; absent or empty: same origin only. */
  corsOrigins?: readonly string[];
  /**
   * The proxies in front (addresses, CIDR blocks, or `loopback`, `linklocal`, `uniquelocal`) whose
   * X-Forwarded-For is believed: `request.ip`, and so the rate limit's address, is then the client's. Absent or
   * empty: the connection's address, and the header is ignored.
   */
  trustProxy?: readonly string[];
  /**
   * Who is calling (ADR 0024): with it, every route must declare its audience (`config.audience`) or the
   * server does not start, and each request is checked against it.
   */
  authentication?: Omit<AuthenticationOptions, 'undeclared'>;
}

type TransformObject = typeof jsonSchemaTransformObject;

/**
 * The transform emits an input and an output copy of every shared schema; keep only those referenced, by the
 * paths or by a schema kept (a shared schema inside another: a page of items that have an id of their own).
 */
function withoutUnusedComponents(transform: TransformObject): TransformObject {
  return (document) => {
    const result = transform(document) as { components?: { schemas?: Record<string, unknown> } };
    const schemas = result.components?.schemas;
    if (schemas) {
      const { components, ...rest } = result;
      const refersTo = (value: unknown, name: string) =>
        JSON.stringify(value).includes(`"#/components/schemas/${name}"`);
      const kept = new Set(Object.keys(schemas).filter((name) => refersTo(rest, name)));
      for (let added = true; added; ) {
        added = false;
        for (const name of Object.keys(schemas)) {
          if (!kept.has(name) && [...kept].some((user) => refersTo(schemas[user], name))) {
            kept.add(name);
            added = true;
          }
        }
      }
      for (const name of Object.keys(schemas)) if (!kept.has(name)) delete schemas[name];
    }
    return result as ReturnType<TransformObject>;
  };
}

/**
 * One HTTP server for all modules: requests validated by zod schemas, which also generate the OpenAPI 3.1
 * document served at `/openapi.json` and browsed with Swagger UI at `/docs`. Every error is problem+json, and
 * every answer carries security headers.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 1_048_576,
    // Named proxies only, never `true`: that would believe the left-most entry, which the client writes itself.
    trustProxy: options.trustProxy?.length ? [...options.trustProxy] : false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    // One line per completed request comes from the onResponse hook below, with the status and duration.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
    // What the server refuses before any route runs is problem+json too.
    ...serverErrorOptions(options.logger),
  }).withTypeProvider<ZodTypeProvider>();
  answerServerErrors(app);

  installRequestTracing(app);
  // Every route's input, before its schema: text PostgreSQL cannot hold is a 400 naming the field.
  app.addHook('preValidation', refuseUnstorableText);
  // Before any route is added: only JSON bodies, and no change asked from another site's page (CSRF).
  refuseForgeableRequests(app);
  // Before any authentication hook added later: a preflight carries no credentials.
  await installCors(app, options.corsOrigins ?? []);
  await installSecurityHeaders(app);
  // Before any route, as idempotency below: a route added later is limited too.
  const limit = options.rateLimit ? await installRateLimit(app, options.rateLimit) : undefined;
  // Before any route is added, so that every route is checked, those of modules started later included. The
  // docs' assets are added by a plugin: they are for anyone.
  if (options.authentication) {
    await app.register(cookie);
    installAuthentication(app, {
      ...options.authentication,
      ...(limit && { beforeRefusal: limit }),
      undeclared: (url) => (url === '/docs' || url.startsWith('/docs/') ? anyone : undefined),
    });
  }
  // Before any route is added, so that every mutating route gets it, those of modules started later included.
  if (options.idempotency) installIdempotency(app, options.idempotency);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // Unknown paths spend the budget too: a scanner trying path after path is limited like any client.
  app.setNotFoundHandler(limit ? { preHandler: limit } : {}, (request, reply) =>
    sendProblem(
      reply,
      problem(404, `no route for ${request.method} ${request.url.split('?')[0]}`, { code: 'no_route' }),
    ),
  );
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL, keeps the label set small.
    httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
      sampledSpanOf(request),
    );
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
    done();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title,
        version: options.version,
        description: options.idempotency
          ? [options.description, idempotencyDescription(options.idempotency.retentionMs)]
              .filter(Boolean)
              .join('\n\n')
          : options.description,
      },
      tags: options.tags,
      ...(options.authentication && {
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description: 'An access token from the token endpoint (see /.well-known/openid-configuration)',
            },
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: SESSION_COOKIE,
              description: 'A web session from POST /auth/login; changes echo its CSRF token in X-CSRF-Token',
            },
          },
        },
      }),
    },
    transform: jsonSchemaTransform,
    transformObject: withoutUnusedComponents(jsonSchemaTransformObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  const landing = options.landingPage;
  app.get('/', { schema: { hide: true }, config: { audience: anyone } }, (_request, reply) =>
    landing === undefined ? reply.redirect('/docs') : reply.type('text/html; charset=utf-8').send(landing),
  );
  app.get('/openapi.json', { schema: { hide: true }, config: { audience: anyone } }, () => app.swagger());

  // Scrapers and probes call often from one address: never limited, and for anyone.
  const unlimited = { schema: { hide: true }, config: { rateLimit: false, audience: anyone } } as const;
  // OpenMetrics (with exemplars) to a scraper that asks for it, the Prometheus text format to others.
  app.get('/metrics', unlimited, async (request, reply) => {
    const { contentType, body } = await metricsAnswer(request.headers.accept);
    return reply.type(contentType).send(body);
  });
  app.get('/liveness', unlimited, () => ({ status: 'up' }));
  app.get('/readiness', unlimited, async (_request, reply) => {
    const checks: Record<string, boolean> = {};
    for (const [name, check] of Object.entries(options.readiness ?? {})) {
      checks[name] = await check().catch(() => false);
    }
    const ready = Object.values(checks).every(Boolean);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
  return app;
}
