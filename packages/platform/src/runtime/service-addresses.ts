import { ConfigError } from './config.js';

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
