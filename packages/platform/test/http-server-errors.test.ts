import { connect } from 'node:net';
import { createHttpServer, type HttpServer } from '@tessera/platform/http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * What the server refuses before any route runs (Fastify's router, Node's HTTP parser) is problem+json as
 * every other answer. Raw requests on a socket, since a well-behaved client cannot send most of them.
 */
let app: HttpServer;
let port: number;

beforeAll(async () => {
  app = await createHttpServer({ logger: pino({ level: 'silent' }), title: 'Test', version: '1.0.0' });
  app.get('/api/things/:id', { schema: { params: z.object({ id: z.string() }) } }, async (request) => ({
    id: request.params.id,
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
afterAll(() => app.close());

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `raw` as it is and reads the answer until the server closes the connection. */
function exchange(raw: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(raw));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

const request = (lines: readonly string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const get = (target: string, ...headers: string[]) =>
  request([`GET ${target} HTTP/1.1`, 'Host: localhost', 'Connection: close', ...headers]);

function expectProblem(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(answer.body) as { status: number; title: string; detail: string; code: string };
  expect(body).toMatchObject({ status, code, type: 'about:blank' });
  expect(body.title).toBeTruthy();
  expect(body.detail).toBeTruthy();
  expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
}

describe('errors the HTTP server raises itself are problem+json', () => {
  it('serves a well-formed request (the harness works)', async () => {
    const answer = await exchange(get('/api/things/42'));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ id: '42' });
  });

  it('414 for a path parameter longer than the router takes', async () => {
    expectProblem(await exchange(get(`/api/things/${'a'.repeat(200)}`)), 414, 'uri_too_long');
  });

  it('414 for a URL longer than the request head may be', async () => {
    expectProblem(await exchange(get(`/api/things/1?q=${'a'.repeat(20_000)}`)), 414, 'uri_too_long');
  });

  it('431 for headers larger than the server takes', async () => {
    expectProblem(
      await exchange(get('/api/things/1', `X-Big: ${'a'.repeat(20_000)}`)),
      431,
      'headers_too_large',
    );
  });

  it('400 for a path that is not valid percent-encoding', async () => {
    for (const target of ['/api/things/%zz', '/api/things/%E0%A4%A']) {
      expectProblem(await exchange(get(target)), 400, 'malformed_url');
    }
  });

  it('400 for a bad Content-Length: not a number, or two that disagree', async () => {
    expectProblem(await exchange(get('/api/things/1', 'Content-Length: abc')), 400, 'bad_content_length');
    expectProblem(
      await exchange(get('/api/things/1', 'Content-Length: 1', 'Content-Length: 2')),
      400,
      'bad_content_length',
    );
  });

  it('400 for a malformed request line or header', async () => {
    expectProblem(await exchange(request(['G@T / HTTP/1.1', 'Host: x'])), 400, 'malformed_request');
    expectProblem(await exchange(request(['GET /a b HTTP/1.1', 'Host: x'])), 400, 'malformed_request');
    expectProblem(await exchange(get('/api/things/1', 'Bad Header: x')), 400, 'malformed_header');
  });

  it('400 for an HTTP/1.1 request without a Host', async () => {
    expectProblem(
      await exchange(request(['GET /api/things/1 HTTP/1.1', 'Connection: close'])),
      400,
      'host_missing',
    );
  });

  it('417 for an Expect other than 100-continue', async () => {
    expectProblem(await exchange(get('/api/things/1', 'Expect: the-moon')), 417, 'expectation_failed');
  });
});

/** A promise and what settles it: the test waits on events, never on time. */
function signal() {
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  return { settle, settled };
}

describe('a request arriving while the server closes', () => {
  it('is a 503 problem, so that it is sent elsewhere', async () => {
    const closing = await createHttpServer({ logger: pino({ level: 'silent' }), title: 'T', version: '1' });
    const [handling, released, closeBegun, refused] = [signal(), signal(), signal(), signal()];
    closing.get('/slow', async () => {
      handling.settle();
      await released.settled;
      return { done: true };
    });
    closing.addHook('preClose', (done) => {
      closeBegun.settle();
      done();
    });
    closing.addHook('onSend', async (_request, reply, payload) => {
      if (reply.statusCode === 503) refused.settle();
      return payload;
    });
    await closing.listen({ port: 0, host: '127.0.0.1' });
    const at = (closing.server.address() as { port: number }).port;

    // A connection busy with a request when the server begins to close, and a second request on it then.
    const socket = connect(at, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    const ended = new Promise((resolve) => socket.on('close', resolve));
    socket.write(request(['GET /slow HTTP/1.1', 'Host: localhost']));
    await handling.settled;
    const closed = closing.close();
    await closeBegun.settled;
    socket.write(request(['GET /slow HTTP/1.1', 'Host: localhost', 'Connection: close']));
    // The second is answered (behind the first, which then finishes).
    await refused.settled;
    released.settle();
    await ended;
    await closed;

    const answers = Buffer.concat(chunks).toString('utf8');
    const second = answers.slice(answers.indexOf('HTTP/1.1', 1));
    expect(answers).toMatch(/^HTTP\/1.1 200/);
    expect(second).toMatch(/^HTTP\/1.1 503/);
    expect(second).toMatch(/content-type: application\/problem\+json/i);
    expect(second).toContain('"code":"shutting_down"');
  });
});
