import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@tessera/platform/observability';
import { createGateway, type GatewayOptions } from '../../src/runtime/gateway/gateway.js';

/** What an upstream saw of one request. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A small upstream: records each request, answers /readiness and /openapi.json, echoes the rest. */
export async function upstream(name: string, options: { ready?: boolean; paths?: string[] } = {}) {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      if (request.url === '/readiness') {
        response.writeHead(options.ready === false ? 503 : 200).end('{}');
      } else if (request.url === '/openapi.json') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            openapi: '3.1.0',
            info: { title: name, version: '1' },
            tags: [{ name, description: `the ${name} module` }, { name: 'admin' }],
            paths: Object.fromEntries((options.paths ?? []).map((path) => [path, { get: { tags: [name] } }])),
            components: { schemas: { Problem: { type: 'object' }, [`${name}Thing`]: { type: 'string' } } },
          }),
        );
      } else {
        response
          .writeHead(request.url?.includes('missing') ? 404 : 201, {
            'content-type': 'application/json',
            'idempotent-replayed': 'true',
            'x-upstream': name,
          })
          .end(JSON.stringify({ upstream: name, url: request.url }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export const close = (server: Server) => new Promise((resolve) => server.close(resolve));

/** A gateway in front of upstreams, silent and quick to give up on one that is away, listening on a free port. */
export async function testGateway(options: Omit<GatewayOptions, 'logger'>) {
  const gateway = await createGateway({
    logger: createLogger({ level: 'silent', format: 'json', name: 'gateway-test' }),
    probeTimeoutMs: 1_000,
    ...options,
  });
  return { gateway, url: await gateway.listen({ port: 0, host: '127.0.0.1' }) };
}
