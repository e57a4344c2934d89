import { ConfigError, loadConfig, startHost } from '@tessera/platform/runtime';
import { describe, expect, it } from 'vitest';
import { rateLimitOf } from '../src/runtime/config.js';

describe('configuration from the environment', () => {
  it('defaults to the embedded database on port 8080', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: undefined,
      dataDir: './.data',
      shutdownTimeoutMs: 10_000,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9090',
      DATABASE_URL: 'postgres://u@db:5432/mallbots',
      DATA_DIR: '/var/lib/mallbots',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      SHUTDOWN_TIMEOUT: '2m',
      HTTP_BODY_LIMIT: '2048',
    });
    expect(config).toMatchObject({
      port: 9090,
      databaseUrl: 'postgres://u@db:5432/mallbots',
      dataDir: '/var/lib/mallbots',
      logLevel: 'debug',
      logFormat: 'json',
      shutdownTimeoutMs: 120_000,
      httpBodyLimit: 2048,
    });
  });

  it('names each bad variable and the value it got', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SHUTDOWN_TIMEOUT: '10' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('PORT');
      expect(problems).toContain('"eighty"');
      expect(problems).toContain('DATABASE_URL must be a postgres:// URL');
      expect(problems).toContain('SHUTDOWN_TIMEOUT must be a duration such as 500ms, 30s or 2m');
    }
    expect(() => loadConfig({ PORT: '70000' })).toThrow('PORT');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL');
    expect(() => loadConfig({ NATS_URL: 'http://nats:4222' })).toThrow('NATS_URL must be a nats:// URL');
    expect(() => loadConfig({ NATS_STREAM: 'a.b' })).toThrow('NATS_STREAM');
    expect(() => loadConfig({ NATS_PARTITIONS: '0' })).toThrow('NATS_PARTITIONS');
    expect(() => loadConfig({ NATS_ACK_WAIT: '10ms' })).toThrow('NATS_ACK_WAIT must be at least 1s');
    expect(() => loadConfig({ INBOX_RETENTION: '10m' })).toThrow('INBOX_RETENTION must be at least 1h');
    expect(loadConfig({ INBOX_RETENTION: '48h' }).inboxRetentionMs).toBe(48 * 3_600_000);
  });

  it('limits each client to 1000 requests per 10 s, 30 a minute to password routes, unless told otherwise; 0 is no limit', () => {
    expect(rateLimitOf(loadConfig({}))).toEqual({ max: 1000, windowMs: 10_000, credentialsPerMinute: 30 });
    expect(
      rateLimitOf(loadConfig({ RATE_LIMIT_MAX: '50', RATE_LIMIT_WINDOW: '1m', RATE_LIMIT_CREDENTIALS: '5' })),
    ).toEqual({
      max: 50,
      windowMs: 60_000,
      credentialsPerMinute: 5,
    });
    expect(() => loadConfig({ RATE_LIMIT_CREDENTIALS: '0' })).toThrow('RATE_LIMIT_CREDENTIALS');
    expect(rateLimitOf(loadConfig({ RATE_LIMIT_MAX: '0' }))).toBe(false);
    expect(() => loadConfig({ RATE_LIMIT_MAX: '-1' })).toThrow('RATE_LIMIT_MAX');
    expect(() => loadConfig({ RATE_LIMIT_MAX: 'lots' })).toThrow('RATE_LIMIT_MAX');
    expect(() => loadConfig({ RATE_LIMIT_WINDOW: '500ms' })).toThrow('RATE_LIMIT_WINDOW must be at least 1s');
  });

  it('allows no other origin unless CORS_ORIGINS names them, each exactly as a browser sends it', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(
      loadConfig({ CORS_ORIGINS: 'https://kiosk.example.com, http://localhost:5173' }).corsOrigins,
    ).toEqual(['https://kiosk.example.com', 'http://localhost:5173']);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://kiosk.example.com/' })).toThrow(
      'did you mean https://kiosk.example.com?',
    );
    for (const bad of [
      '*',
      'kiosk.example.com',
      'https://Kiosk.example.com',
      'https://a.example/app',
      'ftp://a.example',
    ]) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(
        `CORS_ORIGINS has a bad entry ${JSON.stringify(bad)}`,
      );
    }
  });

  it('links to no trace UI unless TRACES_URL gives an http(s) address with {traceId} in it', () => {
    expect(loadConfig({}).tracesUrl).toBeUndefined();
    const jaeger = 'http://localhost:8081/trace/{traceId}';
    expect(loadConfig({ TRACES_URL: jaeger }).tracesUrl).toBe(jaeger);
    for (const bad of ['http://localhost:8081/trace/', 'ftp://traces/{traceId}', '{traceId}', 'jaeger']) {
      expect(() => loadConfig({ TRACES_URL: bad }), bad).toThrow(
        'TRACES_URL must be an http(s) URL with {traceId} where the trace id goes',
      );
    }
  });

  it('believes no proxy unless TRUST_PROXY names them: addresses, CIDR blocks or named ranges', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(
      loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,192.168.1.20,fd00::/8,uniquelocal' }).trustProxy,
    ).toEqual(['loopback', '10.0.0.0/8', '192.168.1.20', 'fd00::/8', 'uniquelocal']);
    for (const bad of ['true', '1', 'gateway', '10.0.0.0/33', '10.0.0.0/8/1', '300.1.1.1', '::1/129']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(
        `TRUST_PROXY has a bad entry ${JSON.stringify(bad)}`,
      );
    }
  });

  it('takes a client credential whole or not at all, naming the half that is missing', () => {
    const secret = 'a-secret-of-24-characters';
    expect(loadConfig({}).auth.client).toBeUndefined();
    expect(loadConfig({ AUTH_CLIENT_ID: 'services', AUTH_CLIENT_SECRET: secret }).auth.client).toEqual({
      id: 'services',
      secret,
    });
    // A deployment that forgot its secret (compose: an empty variable counts as unset) does not start.
    expect(() => loadConfig({ AUTH_CLIENT_ID: 'services', AUTH_CLIENT_SECRET: '' })).toThrow(
      'AUTH_CLIENT_SECRET must be set with AUTH_CLIENT_ID',
    );
    expect(() => loadConfig({ AUTH_CLIENT_SECRET: secret })).toThrow(
      'AUTH_CLIENT_ID must be set with AUTH_CLIENT_SECRET',
    );
  });

  it('starts no process that checks tokens elsewhere and opens accounts at AUTH_IDENTITY_URL without its credential', async () => {
    const elsewhere = {
      AUTH_ISSUER: 'http://localhost:8080',
      AUTH_JWKS_URL: 'http://identity:8080/.well-known/jwks.json',
      AUTH_IDENTITY_URL: 'http://identity:8080',
    };
    const start = (env: NodeJS.ProcessEnv) =>
      startHost({ name: 'x', version: '1.0.0', applications: [], config: loadConfig(env) });
    // Refused before any database or port is opened (this is a unit test: it could open neither).
    await expect(start(elsewhere)).rejects.toThrow(
      'AUTH_CLIENT_ID and AUTH_CLIENT_SECRET must be set with AUTH_IDENTITY_URL',
    );
    await expect(start({ ...elsewhere, AUTH_ISSUER: '' })).rejects.toBeInstanceOf(ConfigError);
  });

  it('runs the embedded broker unless NATS_URL is set', () => {
    expect(loadConfig({})).toMatchObject({
      natsUrl: undefined,
      natsStream: 'tessera',
      natsPartitions: 16,
      natsAckWaitMs: 30_000,
      inboxRetentionMs: 7 * 24 * 3_600_000,
    });
    expect(
      loadConfig({
        NATS_URL: 'nats://127.0.0.1:4222',
        NATS_STREAM: 'mall_1',
        NATS_PARTITIONS: '64',
        NATS_ACK_WAIT: '5s',
      }),
    ).toMatchObject({
      natsUrl: 'nats://127.0.0.1:4222',
      natsStream: 'mall_1',
      natsPartitions: 64,
      natsAckWaitMs: 5_000,
    });
  });
});
