import type { Logger } from '../observability/index.js';
import type { ModuleClientOptions } from '../rpc/index.js';
import { ConfigError } from './config.js';
import type { Services } from './module.js';

/** Where each module's process answers, by module name: `stores=http://127.0.0.1:8101,customers=...`. */
export type ServiceAddresses = ReadonlyMap<string, string>;

/** Parses a `name=url,name=url` list (HTTP_SERVICES, RPC_SERVICES); a bad entry is a ConfigError naming it. */
export function parseServiceAddresses(variable: string, value: string | undefined): ServiceAddresses {
  const addresses = new Map<string, string>();
  const problems: string[] = [];
  for (const entry of (value ?? '').split(',')) {
    if (entry.trim() === '') continue;
    const [name, url, ...rest] = entry.split('=').map((part) => part.trim());
    if (!name || !url || rest.length > 0 || !/^[a-z][a-z0-9-]*$/.test(name)) {
      problems.push(`${variable} has a bad entry ${JSON.stringify(entry)} (expected name=http://host:port)`);
      continue;
    }
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      problems.push(`${variable} gives ${name} a bad URL ${JSON.stringify(url)} (expected http://host:port)`);
      continue;
    }
    if (addresses.has(name)) problems.push(`${variable} names ${name} twice`);
    addresses.set(name, url.replace(/\/+$/, ''));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return addresses;
}

/** The inverse of `parseServiceAddresses`, for the environment of a child process. */
export const formatServiceAddresses = (addresses: Iterable<readonly [string, string]>) =>
  [...addresses].map(([name, url]) => `${name}=${url}`).join(',');

/** How a consumer reaches a service that one of the modules offers. */
export interface ServiceLocation<Service> {
  /** The name the module provides it under in `Services`. */
  readonly service: string;
  /** The module's name in RPC_SERVICES. */
  readonly rpcName: string;
  /** The service over RPC at an address, called as the asking module with this process's service token. */
  readonly overRpc: (options: ModuleClientOptions) => Service;
  /** The error when it is neither here nor named in RPC_SERVICES (the consumer's "unavailable"). */
  readonly missing: () => Error;
}

/** What a module asking for another module's service gives: parts of its context, and its own name. */
export interface ServiceLookup {
  readonly services: Services;
  readonly rpcServices: ServiceAddresses;
  /** What the calls over RPC carry: the module's `serviceToken`. */
  readonly serviceToken: () => Promise<string>;
  readonly logger: Logger;
  /** The asking module, for the breaker's metrics and logs. */
  readonly caller: string;
}

/**
 * Where a module finds a service, decided at each call because modules start in any order: this process's
 * module when it runs here (its queries join the caller's transaction), else the one RPC_SERVICES names,
 * called with this process's service token.
 */
export function locateService<Service>(
  context: ServiceLookup,
  location: ServiceLocation<Service>,
): () => Service {
  const address = context.rpcServices.get(location.rpcName);
  const { serviceToken: token, logger, caller } = context;
  const remote = address ? location.overRpc({ baseUrl: address, token, logger, caller }) : undefined;
  return () => {
    const local = context.services.find<Service>(location.service);
    if (local) return local;
    if (remote) return remote;
    throw location.missing();
  };
}
