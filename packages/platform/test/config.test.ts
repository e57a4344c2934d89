import { ConfigError, loadConfig } from '@tessera/platform/runtime';
import { describe, expect, it } from 'vitest';

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
  });
});
