import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Helmet's security headers on every answer (Content-Security-Policy, X-Content-Type-Options, X-Frame-Options,
 * Referrer-Policy, Cross-Origin-*…), with two changes for how the platform is served. Its CSP already fits what
 * the servers send: Swagger UI at /docs loads only its own scripts and styles (plus inline style attributes and
 * data: images), and the landing page has an inline stylesheet and no script.
 */
export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        // The process serves plain HTTP (npm start, a kiosk on the mall's network): telling the browser to fetch
        // /docs's scripts over https would break Swagger UI wherever no TLS terminates in front of it.
        'upgrade-insecure-requests': null,
      },
    },
    // Only this host: the process cannot know what else runs under the parent domain it is served from.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  });
}
