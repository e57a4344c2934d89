import { ConfigError, loadConfig } from '@tessera/platform/runtime';
import { describe, expect, it } from 'vitest';

describe('RPC_SERVICES', () => {
  it('is a map of lower-case module names to RPC addresses', () => {
    const config = loadConfig({
      RPC_SERVICES: 'stores=http://127.0.0.1:9101, customers=http://customers:8085/ ,',
    });
    expect([...config.rpcServices]).toEqual([
      ['stores', 'http://127.0.0.1:9101'],
      ['customers', 'http://customers:8085'],
    ]);
  });

  it('is empty when unset or blank', () => {
    expect(loadConfig({}).rpcServices.size).toBe(0);
    expect(loadConfig({ RPC_SERVICES: '' }).rpcServices.size).toBe(0);
  });

  it.each([
    ['no address', 'stores'],
    ['an address that is not http', 'stores=nats://127.0.0.1:4222'],
    ['a name that is not lower-case', 'Stores=http://127.0.0.1:9101'],
    ['no name', '=http://127.0.0.1:9101'],
    ['an address that is not a URL', 'stores=http://'],
    ['a name given twice', 'stores=http://a:1,stores=http://b:2'],
  ])('refuses %s, naming the variable', (_what, value) => {
    let error: unknown;
    try {
      loadConfig({ RPC_SERVICES: value });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(1);
    expect((error as ConfigError).problems[0]).toMatch(/^RPC_SERVICES /);
  });
});

describe('HTTP_SERVICES', () => {
  it('is a map of lower-case module names to HTTP addresses, empty when unset', () => {
    const config = loadConfig({
      HTTP_SERVICES: 'partnerships=http://127.0.0.1:8101/,identity=http://id:8080',
    });
    expect([...config.httpServices]).toEqual([
      ['partnerships', 'http://127.0.0.1:8101'],
      ['identity', 'http://id:8080'],
    ]);
    expect(loadConfig({}).httpServices.size).toBe(0);
  });

  it('refuses a bad entry, naming the variable', () => {
    let error: unknown;
    try {
      loadConfig({ HTTP_SERVICES: 'partnerships' });
    } catch (thrown) {
      error = thrown;
    }
    expect((error as ConfigError).problems[0]).toMatch(/^HTTP_SERVICES /);
  });
});
