import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type DomainError, httpStatusOf, isDomainError } from '../ddd/index.js';

/** RFC 9457 problem details, with the fields a client needs to fix its request. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** The rule that was broken, stable for clients to match on. */
  code?: string;
  /** Each invalid input: where it is (`body.price`, `params.id`) and what is wrong. */
  errors?: Array<{ field: string; message: string }>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...extra };
}

export function sendProblem(reply: FastifyReply, body: Problem) {
  return reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

function fromDomainError(error: DomainError): Problem {
  return problem(httpStatusOf[error.kind], error.message, {
    code: error.code,
    ...(error.field ? { errors: [{ field: error.field, message: error.message }] } : {}),
  });
}

function fromValidation(
  error: FastifyError & {
    validation: Array<{
      instancePath: string;
      message?: string;
      keyword: string;
      params: Record<string, unknown>;
    }>;
  },
): Problem {
  const where = error.validationContext ?? 'body';
  const errors = error.validation.map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys)) {
      const keys = issue.params.keys as string[];
      return {
        field: keys.map((key) => [where, path, key].filter(Boolean).join('.')).join(', '),
        message: `unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`,
      };
    }
    return { field: [where, path].filter(Boolean).join('.'), message: issue.message ?? 'is invalid' };
  });
  const first = errors[0]!;
  return problem(400, `${first.field}: ${first.message}`, { code: 'invalid_request', errors });
}

/** Fastify's own client errors (bad JSON, too large, wrong media type) keep their status. */
function fromFastifyClientError(error: FastifyError): Problem {
  const status = error.statusCode!;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return problem(413, 'the request body is larger than this server accepts', { code: 'body_too_large' });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return problem(415, 'send the request body as application/json', { code: 'unsupported_media_type' });
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return problem(400, `the request body is not valid JSON: ${error.message}`, {
      code: 'malformed_json',
      errors: [{ field: 'body', message: 'not valid JSON' }],
    });
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return problem(400, 'the request body is empty but JSON was declared', {
      code: 'malformed_json',
      errors: [{ field: 'body', message: 'empty' }],
    });
  }
  return problem(status, error.message, { code: error.code?.toLowerCase() });
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    return sendProblem(reply, { ...fromValidation(error), instance: request.url });
  }
  if (isDomainError(error) && error.kind !== 'internal') {
    return sendProblem(reply, { ...fromDomainError(error), instance: request.url });
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return sendProblem(reply, { ...fromFastifyClientError(error), instance: request.url });
  }
  request.log.error({ err: error }, 'request failed');
  return sendProblem(
    reply,
    problem(500, 'the server failed to handle the request', { instance: request.url }),
  );
}
