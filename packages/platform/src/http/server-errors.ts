import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type Problem, problem, sendProblem } from './problem.js';

/*
 * The errors the HTTP server raises itself, before any route, hook or error handler runs, as RFC 9457
 * problems like every other answer: Fastify's router refusing a URL (`frameworkErrors`), and Node's HTTP parser
 * refusing the request (`clientError`: a header block or URL too large, bad framing, a bad Content-Length,
 * a timeout), a missing Host, an Expect it cannot meet, and a request arriving while it closes. Their defaults
 * answer plain JSON of Fastify's own shape, or an empty body.
 */

/** Fastify's router: a path that does not decode, a parameter over `maxParamLength`, a failed constraint. */
function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const answer =
    error.code === 'FST_ERR_BAD_URL'
      ? problem(400, 'the URL path is not valid percent-encoded UTF-8', {
          code: 'malformed_url',
          errors: [{ field: 'url', message: 'not valid percent-encoding' }],
        })
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? problem(414, 'a path segment of the URL is longer than this server accepts', {
            code: 'uri_too_long',
            errors: [{ field: 'url', message: 'a path segment is too long' }],
          })
        : problem(500, 'the server failed to route the request');
  if (answer.status >= 500) request.log.error({ err: error }, 'routing failed');
  // The raw URL may be what was wrong with it: it is not echoed back.
  return sendProblem(reply, answer);
}

/** A refusal of Node's HTTP parser; `rawPacket` is what it had received of the request (a Buffer). */
interface ParserError extends Error {
  code?: string;
  rawPacket?: unknown;
  /** How far into `rawPacket` the parser got: where it found the fault. */
  bytesParsed?: number;
}

/** What each refusal of Node's HTTP parser answers: its status, code and detail. */
function fromParserError(error: ParserError): Problem {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return problem(408, 'the request was not received in time', { code: 'request_timeout' });
    case 'HPE_HEADER_OVERFLOW':
      // The limit counts the request line too: with no line ended yet, it is the URL that is too long.
      return requestLineUnfinished(error)
        ? problem(414, 'the URL is longer than this server accepts', { code: 'uri_too_long' })
        : problem(431, 'the request headers are larger than this server accepts', {
            code: 'headers_too_large',
          });
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return problem(400, 'the Content-Length header is not a single valid length', {
        code: 'bad_content_length',
        errors: [{ field: 'headers.content-length', message: 'not a valid length' }],
      });
    case 'HPE_INVALID_URL':
      return problem(400, 'the request URL is malformed', { code: 'malformed_url' });
    case 'HPE_INVALID_METHOD':
      return problem(400, 'the request method is malformed', { code: 'malformed_request' });
    case 'HPE_INVALID_HEADER_TOKEN':
      return problem(400, 'a request header is malformed', { code: 'malformed_header' });
    default:
      return problem(400, 'the request is not valid HTTP/1.1', { code: 'malformed_request' });
  }
}

/**
 * Whether the parser stopped inside the request line: what it parsed of the packet starts with a method and
 * holds no line end. (A request line that spanned packets is not recognised, and counts as headers.)
 */
function requestLineUnfinished(error: ParserError): boolean {
  const { rawPacket: raw, bytesParsed } = error;
  if (!Buffer.isBuffer(raw) || typeof bytesParsed !== 'number') return false;
  const parsed = raw.subarray(0, bytesParsed);
  return /^[A-Z]+ /.test(parsed.subarray(0, 16).toString('latin1')) && !parsed.includes('\n');
}

/**
 * Node's `clientError`: the request could not be parsed, so there is no request or reply to answer with; the
 * problem is written on the socket, which is then closed (its framing can no longer be trusted).
 */
const answerClientErrors = (log: FastifyBaseLogger) => (error: ParserError, socket: Socket) => {
  // A connection reset or already gone: nobody is listening for an answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = fromParserError(error);
  log.debug({ err: error, status: answer.status }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify(answer);
    socket.write(
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
};

/** Writes a problem on a raw response, for what Node answers before Fastify sees the request. */
function writeProblem(response: ServerResponse, answer: Problem) {
  const body = JSON.stringify(answer);
  response.writeHead(answer.status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  response.end(body);
}

/**
 * Node answers an `Expect` other than 100-continue with an empty 417 unless someone listens: this one says
 * why. (100-continue itself is Node's to answer.)
 */
function answerExpectations(server: Server) {
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    writeProblem(
      response,
      problem(417, `this server meets no Expect but 100-continue`, {
        code: 'expectation_failed',
        instance: request.url,
        errors: [{ field: 'headers.expect', message: 'only 100-continue is supported' }],
      }),
    );
  });
}

/**
 * HTTP/1.1 requires a Host header. Node refuses a request without one with an empty 400 unless told not to
 * (`requireHostHeader: false`, set where the server is created); this onRequest hook refuses it instead.
 */
function refuseMissingHost(request: FastifyRequest, reply: FastifyReply, done: () => void) {
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
    return sendProblem(
      reply,
      problem(400, 'an HTTP/1.1 request must have a Host header', {
        code: 'host_missing',
        errors: [{ field: 'headers.host', message: 'missing' }],
      }),
    );
  }
  done();
}

/** The Fastify options that make the server's own refusals problems; `answerServerErrors` does the rest. */
export const serverErrorOptions = (logger: FastifyBaseLogger) => ({
  frameworkErrors,
  clientErrorHandler: answerClientErrors(logger),
  // Node would answer a missing Host with an empty 400 itself; refuseMissingHost answers it.
  http: { requireHostHeader: false },
  // Fastify would answer a request arriving while it closes with a 503 of its own JSON; a hook of
  // answerServerErrors answers it.
  return503OnClosing: false,
});

type Hook = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;

/** Every server of the platform (a process's, the gateway's): its own refusals are problems too. */
export function answerServerErrors(app: {
  server: unknown;
  addHook(name: 'onRequest', hook: Hook): unknown;
  addHook(name: 'preClose', hook: (done: () => void) => void): unknown;
}) {
  answerExpectations(app.server as Server);
  app.addHook('onRequest', refuseMissingHost);
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // A request on a connection that was busy when the server began to close (pipelined, or kept alive): the
  // process is going away, so a load balancer should send it elsewhere.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close').header('retry-after', '1');
    sendProblem(reply, problem(503, 'the server is shutting down; retry', { code: 'shutting_down' }));
  });
}
