import { isIP } from 'node:net';
import { z } from 'zod';
import { logFormatOf } from '../observability/logger.js';

/**
 * Configuration comes from the environment only. Every variable has a default that runs the embedded
 * default on this machine; a bad value stops the process with a message naming the variable.
 */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, 'must be a duration such as 500ms, 30s or 2m')
  .transform((value) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h)$/.exec(value)!;
    return Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  });

/** The placeholder of TRACES_URL. */
const TRACE_ID = '{traceId}';

const httpUrl = z
  .string()
  .refine(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    'must be an http(s) URL',
  );

/**
 * `name=url,name=url`: where the modules this process does not run serve their RPC or HTTP (lower-case module
 * names, http(s) URLs of their ports). Each entry is checked; a name may appear once.
 */
const serviceAddresses = z.string().transform((value, context) => {
  const services = new Map<string, string>();
  for (const entry of value.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const match = /^([a-z][a-z0-9-]*)=(https?:\/\/\S+)$/.exec(entry);
    let url: URL | undefined;
    try {
      url = match ? new URL(match[2]!) : undefined;
    } catch {}
    if (!match || !url) {
      context.addIssue({
        code: 'custom',
        message: `has a bad entry ${JSON.stringify(entry)}: each must be name=http://host:port, comma-separated`,
      });
      return z.NEVER;
    }
    if (services.has(match[1]!)) {
      context.addIssue({ code: 'custom', message: `names ${match[1]} twice` });
      return z.NEVER;
    }
    services.set(match[1]!, match[2]!.replace(/\/+$/, ''));
  }
  return services as ReadonlyMap<string, string>;
});

/**
 * A comma-separated list (blank entries ignored) whose every entry passes: `problemOf` says what is wrong with
 * one that does not, and the first such entry is named.
 */
const commaList = (problemOf: (entry: string) => string | undefined) =>
  z.string().transform((value, context) => {
    const entries = value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    for (const entry of entries) {
      const problem = problemOf(entry);
      if (problem !== undefined) {
        context.addIssue({ code: 'custom', message: `has a bad entry ${JSON.stringify(entry)}: ${problem}` });
        return z.NEVER;
      }
    }
    return entries as readonly string[];
  });

/** `https://kiosk.example.com,http://localhost:5173`: each exactly an origin (scheme, host, port; no path). */
const webOrigins = commaList((origin) => {
  const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
  if (parsed && /^https?:$/.test(parsed.protocol) && parsed.origin === origin) return undefined;
  return (
    'each must be an origin as a browser sends it, ' +
    'e.g. https://kiosk.example.com or http://localhost:5173 (no path, no trailing slash), comma-separated' +
    (parsed && parsed.origin !== 'null' ? `; did you mean ${parsed.origin}?` : '')
  );
});

/** The names proxy-addr gives address ranges: 127.0.0.0/8 and ::1; 169.254.0.0/16 and fe80::/10; private ones. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `address,address/prefix,loopback,...`: each an IP address, a CIDR block or a named range. */
const trustedProxies = commaList((entry) => {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  const bits = version === 4 ? 32 : 128;
  const valid =
    RANGE_NAMES.has(entry) ||
    (version !== 0 &&
      rest.length === 0 &&
      (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits)));
  return valid
    ? undefined
    : 'each must be an IP address, a CIDR block or loopback, linklocal or uniquelocal, comma-separated';
});

export const configSchema = z.object({
  PORT: z.coerce.number().int('must be a whole number').min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  // The RPC (Connect/gRPC) port, served only when a module offers a service (ADR 0016). Unset: 8085, or any
  // free port when PORT is 0, so that hosts asking for any free port never collide on it.
  RPC_PORT: z.coerce.number().int('must be a whole number').min(0).max(65_535).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().min(1).default('./.data'),
  // Set: messages go through NATS JetStream (outbox relay, inbox); unset: the embedded broker (ADR 0008).
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\/[^\s]+$/, 'must be a nats:// URL (several: comma-separated)')
    .optional(),
  NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 letters, digits, '_' or '-'")
    .optional(),
  // Every process of a system must use the same count: it decides which ordering lane a key takes.
  NATS_PARTITIONS: z.coerce.number().int('must be a whole number').min(1).max(1024).default(16),
  NATS_ACK_WAIT: duration.pipe(z.number().min(1000, 'must be at least 1s')).default(30_000),
  // How long the inbox remembers a handled message (ADR 0008): above any redelivery delay.
  INBOX_RETENTION: duration
    .pipe(z.number().min(3_600_000, 'must be at least 1h'))
    .default(7 * 24 * 3_600_000),
  // Where other processes' modules serve RPC, e.g. stores=http://stores:8085 (ADR 0017). Unset: none.
  RPC_SERVICES: serviceAddresses.optional(),
  // Where other processes' modules serve HTTP, e.g. partnerships=http://partnerships:8080: what
  // `httpAddressOf` answers for a module that does not run here. Unset: none.
  HTTP_SERVICES: serviceAddresses.optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SHUTDOWN_TIMEOUT: duration.default(10_000),
  // Connections this process may hold on a PostgreSQL server: processes × pool size must stay under the
  // server's max_connections (100 by default).
  DATABASE_POOL_SIZE: z.coerce.number().int('must be a whole number').min(2).max(500).default(20),
  HTTP_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1_048_576)
    .default(1_048_576),
  // Requests each client may make per window: the authenticated caller, else the address (ADR 0023). A ceiling
  // against one runaway or hostile client, not a quota: kiosks behind one mall's NAT share an address. 0: none.
  RATE_LIMIT_MAX: z.coerce.number().int('must be a whole number').min(0).default(1000),
  RATE_LIMIT_WINDOW: duration.pipe(z.number().min(1000, 'must be at least 1s')).default(10_000),
  // Per minute, to a route that checks or sets a password (ADR 0024): each costs a memory-hard hash.
  RATE_LIMIT_CREDENTIALS: z.coerce.number().int('must be a whole number').min(1).default(30),
  // The web origins whose pages may call the API from a browser (CORS; ADR 0023). Unset: same origin only.
  CORS_ORIGINS: webOrigins.optional(),
  // The proxies in front of this process (the gateway, a load balancer) whose X-Forwarded-For is believed, so
  // that a client's address is its own and not the proxy's (rate limits; ADR 0023). Unset: none.
  TRUST_PROXY: trustedProxies.optional(),
  // At least as long as a client may keep retrying one intent (ADR 0010).
  IDEMPOTENCY_RETENTION: duration.pipe(z.number().min(1000, 'must be at least 1s')).default(24 * 3_600_000),
  // Identity (ADR 0023): the built-in provider runs here unless AUTH_JWKS_URL points at another.
  AUTH_ISSUER: httpUrl.optional(),
  AUTH_JWKS_URL: httpUrl.optional(),
  AUTH_AUDIENCE: z.string().min(1).max(256).default('tessera'),
  AUTH_ROLES_CLAIM: z
    .string()
    .regex(/^[\w-]+(\.[\w-]+)*$/, 'must be a claim name or a dot path')
    .default('roles'),
  AUTH_ACCESS_TTL: duration.pipe(z.number().min(10_000, 'must be at least 10s')).default(15 * 60_000),
  AUTH_REFRESH_TTL: duration.pipe(z.number().min(60_000, 'must be at least 1m')).default(30 * 24 * 3_600_000),
  AUTH_IDENTITY_URL: httpUrl.optional(),
  AUTH_CLIENT_ID: z
    .string()
    .regex(/^[\w.:-]{1,128}$/, "must be 1–128 letters, digits, '.', ':', '_' or '-'")
    .optional(),
  AUTH_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  OPERATOR_USERNAME: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{3,64}$/, "must be 3–64 letters, digits, or '.', '_', '@', '-'")
    .optional(),
  OPERATOR_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
  // Where an operator opens a trace (a trace UI's page of one, `{traceId}` where its id goes): the operations
  // console links each message of a flow there (ADR 0045). Unset: no link.
  TRACES_URL: z
    .string()
    .refine(
      (value) => value.includes(TRACE_ID) && httpUrl.safeParse(value.replaceAll(TRACE_ID, '0')).success,
      'must be an http(s) URL with {traceId} where the trace id goes',
    )
    .optional(),
});

export type Config = {
  port: number;
  host: string;
  /** The RPC port; undefined: 8085, or any free port when `port` is 0 (see `rpcPortOf`). */
  rpcPort: number | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  /** NATS servers; undefined runs the embedded broker. */
  natsUrl: string | undefined;
  natsStream: string;
  natsPartitions: number;
  natsAckWaitMs: number;
  /** How long a handled message id is remembered by the inbox (both brokers). */
  inboxRetentionMs: number;
  /** RPC addresses of modules that run in other processes, by lower-case module name. */
  rpcServices: ReadonlyMap<string, string>;
  /** HTTP addresses of modules that run in other processes, by lower-case module name. */
  httpServices: ReadonlyMap<string, string>;
  logLevel: string;
  logFormat: 'json' | 'pretty';
  shutdownTimeoutMs: number;
  httpBodyLimit: number;
  /** Requests per window for each caller or address; 0: no limit. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Requests per minute to a route that checks or sets a password, for each caller or address. */
  rateLimitCredentialsPerMinute: number;
  /** The origins whose pages may call the API from a browser; empty: same origin only. */
  corsOrigins: readonly string[];
  /** Addresses, CIDR blocks or named ranges of the proxies whose X-Forwarded-For is believed; empty: none. */
  trustProxy: readonly string[];
  /** The most connections to a PostgreSQL server this process holds. */
  databasePoolSize: number;
  /** How long an Idempotency-Key and its answer are kept. */
  idempotencyRetentionMs: number;
  /** A trace UI's address of one trace, `{traceId}` where its id goes; undefined: none. */
  tracesUrl: string | undefined;
  auth: AuthConfig;
};

/** Who tokens come from and what they are for (ADR 0023). */
export interface AuthConfig {
  /** The issuer tokens name; undefined: this server's own URL (the built-in provider). */
  readonly issuer: string | undefined;
  /** Verify against this JWKS (an OpenID Connect provider, or the built-in one in another process). */
  readonly jwksUrl: string | undefined;
  readonly audience: string;
  readonly rolesClaim: string;
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  /** Where the built-in provider runs when it is another process: modules open accounts there. */
  readonly identityUrl: string | undefined;
  /** This process's own client credential, for calling the identity provider and other modules. */
  readonly client: { readonly id: string; readonly secret: string } | undefined;
  readonly operator: { readonly username?: string; readonly password?: string };
}

export const DEFAULT_RPC_PORT = 8085;

/** The port the RPC server takes. */
export const rpcPortOf = (config: Pick<Config, 'port' | 'rpcPort'>) =>
  config.rpcPort ?? (config.port === 0 ? 0 : DEFAULT_RPC_PORT);

/** The HTTP servers' rate limit, or false when RATE_LIMIT_MAX is 0. */
export const rateLimitOf = (
  config: Pick<Config, 'rateLimitMax' | 'rateLimitWindowMs' | 'rateLimitCredentialsPerMinute'>,
) =>
  config.rateLimitMax > 0
    ? {
        max: config.rateLimitMax,
        windowMs: config.rateLimitWindowMs,
        credentialsPerMinute: config.rateLimitCredentialsPerMinute,
      }
    : false;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The variables a schema names from `env` (an empty one counts as unset), or a ConfigError naming every bad
 * one with the value it had.
 */
export function parseEnv<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  env: NodeJS.ProcessEnv,
): z.infer<z.ZodObject<Shape>> {
  const parsed = schema.safeParse(
    Object.fromEntries(Object.keys(schema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]])),
  );
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        return `${key} ${issue.message} (got ${JSON.stringify(env[key])})`;
      }),
    );
  }
  return parsed.data;
}

/**
 * The configuration from `env`. What the platform cannot know is given by the entry: `natsStream`, the stream
 * when NATS_STREAM is unset (the application's name when one runs; `tessera` otherwise).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  defaults: { natsStream?: string } = {},
): Config {
  const c = parseEnv(configSchema, env);
  // Half a client credential is a deployment that forgot the other half (a secret not given): say so at start,
  // not when the first account is to be opened.
  if (Boolean(c.AUTH_CLIENT_ID) !== Boolean(c.AUTH_CLIENT_SECRET)) {
    const [given, missing] = c.AUTH_CLIENT_ID
      ? ['AUTH_CLIENT_ID', 'AUTH_CLIENT_SECRET']
      : ['AUTH_CLIENT_SECRET', 'AUTH_CLIENT_ID'];
    throw new ConfigError([
      `${missing} must be set with ${given}: together they are this process's client credential at the identity provider`,
    ]);
  }
  return {
    port: c.PORT,
    host: c.HOST,
    rpcPort: c.RPC_PORT,
    databaseUrl: c.DATABASE_URL,
    dataDir: c.DATA_DIR,
    natsUrl: c.NATS_URL,
    natsStream: c.NATS_STREAM ?? defaults.natsStream ?? 'tessera',
    natsPartitions: c.NATS_PARTITIONS,
    natsAckWaitMs: c.NATS_ACK_WAIT,
    inboxRetentionMs: c.INBOX_RETENTION,
    rpcServices: c.RPC_SERVICES ?? new Map(),
    httpServices: c.HTTP_SERVICES ?? new Map(),
    logLevel: c.LOG_LEVEL,
    logFormat: logFormatOf(c.LOG_FORMAT, process.stdout.isTTY),
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT,
    httpBodyLimit: c.HTTP_BODY_LIMIT,
    rateLimitMax: c.RATE_LIMIT_MAX,
    rateLimitWindowMs: c.RATE_LIMIT_WINDOW,
    rateLimitCredentialsPerMinute: c.RATE_LIMIT_CREDENTIALS,
    corsOrigins: c.CORS_ORIGINS ?? [],
    trustProxy: c.TRUST_PROXY ?? [],
    databasePoolSize: c.DATABASE_POOL_SIZE,
    idempotencyRetentionMs: c.IDEMPOTENCY_RETENTION,
    tracesUrl: c.TRACES_URL,
    auth: {
      issuer: c.AUTH_ISSUER,
      jwksUrl: c.AUTH_JWKS_URL,
      audience: c.AUTH_AUDIENCE,
      rolesClaim: c.AUTH_ROLES_CLAIM,
      accessTtlSeconds: Math.round(c.AUTH_ACCESS_TTL / 1000),
      refreshTtlSeconds: Math.round(c.AUTH_REFRESH_TTL / 1000),
      identityUrl: c.AUTH_IDENTITY_URL,
      client:
        c.AUTH_CLIENT_ID && c.AUTH_CLIENT_SECRET
          ? { id: c.AUTH_CLIENT_ID, secret: c.AUTH_CLIENT_SECRET }
          : undefined,
      operator: {
        ...(c.OPERATOR_USERNAME && { username: c.OPERATOR_USERNAME }),
        ...(c.OPERATOR_PASSWORD && { password: c.OPERATOR_PASSWORD }),
      },
    },
  };
}
