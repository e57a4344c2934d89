import { parseArgs } from 'node:util';
import { ConfigError } from '@tessera/platform/runtime';
import { z } from 'zod';
import type { FleetOptions } from './fleet.js';

const rate = z.coerce.number('must be a number').min(0, 'must be 0–1').max(1, 'must be 0–1');

/** The simulator's settings: environment variables, overridden by command-line options. */
const robotsSchema = z.object({
  ROBOTS: z.coerce
    .number('must be a whole number')
    .int('must be a whole number')
    .min(0, 'must be 0–1000')
    .max(1000, 'must be 0–1000')
    .default(3),
  ROBOTS_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// URL' }).optional(),
  // Where the identity provider is, for `npm run robots` (a companion is told by its host).
  ROBOTS_IDENTITY_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// URL' }).optional(),
  ROBOTS_PREFIX: z
    .string()
    .regex(/^[\w-]{1,64}$/, "must be 1–64 letters, digits, '_' or '-'")
    .default('bot'),
  ROBOTS_STEP_MS: z.coerce
    .number('must be a whole number of milliseconds')
    .int('must be a whole number of milliseconds')
    .min(0, 'must be 0–600000')
    .max(600_000, 'must be 0–600000')
    .default(300),
  ROBOTS_UNAVAILABLE_RATE: rate.default(0.05),
  ROBOTS_DISCONNECT_RATE: rate.default(0),
});

const OPTIONS = {
  count: 'ROBOTS',
  url: 'ROBOTS_URL',
  'identity-url': 'ROBOTS_IDENTITY_URL',
  prefix: 'ROBOTS_PREFIX',
  'step-ms': 'ROBOTS_STEP_MS',
  'unavailable-rate': 'ROBOTS_UNAVAILABLE_RATE',
  'disconnect-rate': 'ROBOTS_DISCONNECT_RATE',
} as const;

export type RobotsConfig = Omit<FleetOptions, 'logger' | 'random' | 'url' | 'credentials'> & {
  url: string | undefined;
  identityUrl: string | undefined;
};

export const ROBOTS_USAGE = `usage: npm run robots -- [--count 5] [--url http://127.0.0.1:8085]
       [--identity-url http://127.0.0.1:8080] [--prefix bot] [--step-ms 300] [--unavailable-rate 0.05]
       [--disconnect-rate 0]
(each also an environment variable: ROBOTS, ROBOTS_URL, ROBOTS_IDENTITY_URL, ROBOTS_PREFIX, ROBOTS_STEP_MS, ...;
 the robots' credentials are made with OPERATOR_USERNAME and OPERATOR_PASSWORD, or AUTH_CLIENT_ID and
 AUTH_CLIENT_SECRET)`;

/** The settings, or a ConfigError naming each bad option (as `--count`) or variable. */
export function loadRobotsConfig(env: NodeJS.ProcessEnv, args: readonly string[] = []): RobotsConfig {
  let parsedArgs: Record<string, string | undefined>;
  try {
    parsedArgs = parseArgs({
      args: [...args],
      options: Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new ConfigError([`${(error as Error).message}\n${ROBOTS_USAGE}`]);
  }
  const input: Record<string, string | undefined> = {};
  const origin: Record<string, string> = {};
  for (const key of Object.keys(robotsSchema.shape)) {
    input[key] = env[key] === '' ? undefined : env[key];
    origin[key] = key;
  }
  for (const [option, key] of Object.entries(OPTIONS)) {
    if (parsedArgs[option] !== undefined) {
      input[key] = parsedArgs[option];
      origin[key] = `--${option}`;
    }
  }
  const parsed = robotsSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        return `${origin[key] ?? key} ${issue.message} (got ${JSON.stringify(input[key])})`;
      }),
    );
  }
  const c = parsed.data;
  return {
    count: c.ROBOTS,
    url: c.ROBOTS_URL,
    identityUrl: c.ROBOTS_IDENTITY_URL,
    prefix: c.ROBOTS_PREFIX,
    stepMs: c.ROBOTS_STEP_MS,
    unavailableRate: c.ROBOTS_UNAVAILABLE_RATE,
    disconnectRate: c.ROBOTS_DISCONNECT_RATE,
    backoffMs: 200,
    maxBackoffMs: 5_000,
  };
}
