import { type HttpServer, problem, sendProblem } from '@tessera/platform/http';
import { HAL_FORMS_MEDIA_TYPE, LC_MEDIA_TYPE } from './schemas.js';

const LC_MEDIA_TYPES = /^application\/vnd\.lc-application(\.v(\d+))?\+json$/i;

/**
 * The published language is versioned by media type (§8.10): a body may be plain JSON or
 * `application/vnd.lc-application.v2+json`; another version of it is a 415 that names the one served, so an
 * old client learns why rather than being misread.
 */
export function installMediaTypes(http: HttpServer, path: string) {
  const base = `${http.prefix}${path}`;
  http.addHook('preValidation', async (request, reply) => {
    if (!request.url.startsWith(base)) return;
    const type = request.headers['content-type']?.split(';')[0]?.trim() ?? '';
    const match = LC_MEDIA_TYPES.exec(type);
    if (match && match[2] !== '2') {
      return sendProblem(
        reply,
        problem(415, `this server speaks ${LC_MEDIA_TYPE} (or application/json)`, {
          code: 'unsupported_media_type_version',
          instance: request.url,
          errors: [{ field: 'headers.content-type', message: `use ${LC_MEDIA_TYPE}` }],
        }),
      );
    }
  });
  answerAsHalForms(http, [`${path}/:id`]);
}

/** The routes (by their patterns) whose answers are HAL-FORMS: an application, lists of them; problems keep theirs. */
export function answerAsHalForms(http: HttpServer, paths: readonly string[]) {
  const patterns = new Set(paths.map((path) => `${http.prefix}${path}`));
  http.addHook('onSend', async (request, reply, payload) => {
    if (
      request.method === 'GET' &&
      reply.statusCode === 200 &&
      patterns.has(request.routeOptions.url ?? '')
    ) {
      reply.header('content-type', `${HAL_FORMS_MEDIA_TYPE}; charset=utf-8`);
    }
    return payload;
  });
}
