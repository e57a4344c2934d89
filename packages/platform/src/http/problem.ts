import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type DomainError, type ErrorKind, isDomainError } from '../ddd/index.js';
import { sqlStateOf } from '../sql/errors.js';

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
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  417: 'Expectation Failed',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The HTTP status of each kind. A failed precondition is a request that is fine in itself but conflicts with
 * the state of what it names (the basket is no longer open, the store takes part already): 409, as a
 * concurrent change is, and unlike a 400 the client cannot fix it by changing the request (ADR 0023).
 */
export const httpStatusOf: Readonly<Record<ErrorKind, number>> = {
  invalid_argument: 400,
  failed_precondition: 409,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  unauthenticated: 401,
  permission_denied: 403,
  internal: 500,
};

/** The problem document as a schema; its id makes OpenAPI share it as `components.schemas.Problem`. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string().optional().describe('The rule that was broken, stable for clients to match on'),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('Each invalid input, e.g. body.price or params.id'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** A documented error response for a route's `response` map, e.g. `{ 404: problemResponse('No such store') }`. */
export const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
});

export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...extra };
}

/** A request body over the server's limit (the gateway's, which streams bodies, says it too). */
export const bodyTooLarge = () =>
  problem(413, 'the request body is larger than this server accepts', { code: 'body_too_large' });

export function sendProblem(reply: FastifyReply, body: Problem) {
  return reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/**
 * The domain names a field by its own name (a path, `address.country`, for a part of one); the client sees
 * where it sent it, as validation errors do.
 */
function locate(field: string, request: FastifyRequest): string {
  const head = field.split('.')[0]!;
  for (const [where, input] of [
    ['body', request.body],
    ['params', request.params],
    ['querystring', request.query],
  ] as const) {
    if (typeof input === 'object' && input !== null && head in input) return `${where}.${field}`;
  }
  return field;
}

function fromDomainError(error: DomainError, request: FastifyRequest): Problem {
  return problem(httpStatusOf[error.kind], error.message, {
    code: error.code,
    ...(error.field ? { errors: [{ field: locate(error.field, request), message: error.message }] } : {}),
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
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return bodyTooLarge();
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return problem(415, 'the request body, if any, must be application/json', {
      code: 'unsupported_media_type',
      errors: [{ field: 'headers.content-type', message: 'not application/json' }],
    });
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return problem(400, `the request body is not valid JSON: ${error.message}`, {
      code: 'malformed_json',
      errors: [{ field: 'body', message: 'not valid JSON' }],
    });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return problem(400, 'the request body is not as long as its Content-Length says', {
      code: 'bad_content_length',
      errors: [{ field: 'headers.content-length', message: 'does not match the body' }],
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
    return sendProblem(reply, { ...fromDomainError(error, request), instance: request.url });
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return sendProblem(reply, { ...fromFastifyClientError(error), instance: request.url });
  }
  if (databaseOverloaded(error)) {
    request.log.warn({ err: error }, 'the database cannot take the request now');
    reply.header('retry-after', '1');
    return sendProblem(
      reply,
      problem(503, 'the database cannot take more work right now; retry shortly', { instance: request.url }),
    );
  }
  request.log.error({ err: error }, 'request failed');
  return sendProblem(
    reply,
    problem(500, 'the server failed to handle the request', { instance: request.url }),
  );
}

/**
 * PostgreSQL is out of room (class 53: too many connections, out of memory or disk) or not accepting
 * connections yet (57P03): the request was fine, the server could not serve it now, so 503 and not 500.
 */
function databaseOverloaded(error: unknown): boolean {
  const code = sqlStateOf(error);
  return code !== undefined && (code.startsWith('53') || code === '57P03');
}
