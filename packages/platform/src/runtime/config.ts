import { z } from 'zod';

/**
 * Configuration comes from the environment only. Every variable has a default that runs the embedded
 * default on this machine; a bad value stops the process with a message naming the variable.
 */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m)$/, 'must be a duration such as 500ms, 30s or 2m')
  .transform((value) => {
    const [, amount, unit] = /^(\d+)(ms|s|m)$/.exec(value)!;
    return Number(amount) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000);
  });

export const configSchema = z.object({
  PORT: z.coerce.number().int('must be a whole number').min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().min(1).default('./.data'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SHUTDOWN_TIMEOUT: duration.default(10_000),
  HTTP_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1_048_576)
    .default(1_048_576),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  logFormat: 'json' | 'pretty';
  shutdownTimeoutMs: number;
  httpBodyLimit: number;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(
    Object.fromEntries(
      Object.keys(configSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
    ),
  );
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        return `${key} ${issue.message} (got ${JSON.stringify(env[key])})`;
      }),
    );
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    dataDir: c.DATA_DIR,
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT,
    httpBodyLimit: c.HTTP_BODY_LIMIT,
  };
}
