import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signals } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Background, withSignal } from '../../src/building-blocks/context.js';
import { emailURL, NewMailChimp } from '../../src/building-blocks/services/adapters/mailchimp.js';
import type { EmailSender } from '../../src/building-blocks/services/email-sender.js';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** A stand-in for Mandrill: answers what `respond` says, and records what it was sent. */
let server: Server;
let url: string;
let respond: (request: IncomingMessage, response: ServerResponse) => void;
const received = signals<Received>();
const closed = signals<string>();
let seen = 0;
/** The next request the provider received (waiting for it if it has not arrived yet). */
const nextRequest = async () => {
  const index = seen++;
  await received.until((items) => items.length > index);
  return received.items[index]!;
};

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    request.socket.once('close', () => closed.push(request.url ?? ''));
    received.push({
      method: request.method ?? '',
      url: request.url ?? '',
      contentType: request.headers['content-type'],
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
    });
    respond(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/1.0/messages/send`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

describe('SVC-T3: the email infrastructure service, a port with a MailChimp (Mandrill) adapter', () => {
  it('posts Mandrill’s body (key, from_email, subject, text, to) to the send endpoint', async () => {
    respond = (_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    const sender: EmailSender = NewMailChimp('key-123', 'coffee@coffeeco.example', { url });
    await sender.SendEmail(Background(), 'lover@example.com', 'Your receipt', 'Two lattes: $7.00');
    const request = await nextRequest();
    expect(request).toEqual({
      method: 'POST',
      url: '/api/1.0/messages/send',
      contentType: 'application/json',
      body: {
        key: 'key-123',
        message: {
          from_email: 'coffee@coffeeco.example',
          subject: 'Your receipt',
          text: 'Two lattes: $7.00',
          to: [{ email: 'lover@example.com', type: 'to' }],
        },
      },
    });
  });

  it('takes Mandrill’s own address by default, without the book’s stray quote', () => {
    expect(emailURL).toBe('https://mandrillapp.com/api/1.0/messages/send');
    expect(() => new URL(emailURL)).not.toThrow();
  });

  it.each([400, 401, 500, 503])('a %i answer is an error: "failed to send email: …"', async (status) => {
    respond = (_request, response) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"error"}');
    const sender = NewMailChimp('key-123', 'coffee@coffeeco.example', { url });
    await expect(sender.SendEmail(Background(), 'lover@example.com', 'Hi', 'Hello')).rejects.toThrow(
      `failed to send email: the provider answered ${status} {"status":"error"}`,
    );
    await nextRequest();
  });

  it('gives up when the caller’s context is cancelled, the request with it', async () => {
    // The provider never answers: only the caller's signal ends the wait.
    respond = () => {};
    const controller = new AbortController();
    const sender = NewMailChimp('key-123', 'coffee@coffeeco.example', { url: `${url}?cancelled` });
    const sending = sender.SendEmail(
      withSignal(Background(), controller.signal),
      'lover@example.com',
      'Hi',
      'Hello',
    );
    await nextRequest();
    controller.abort();
    await expect(sending).rejects.toThrow(/^failed to send email: .*abort/i);
    // The request was really abandoned: its connection to the provider closed.
    await closed.until((urls) => urls.includes('/api/1.0/messages/send?cancelled'));
  });

  it('an unreachable provider is an error too', async () => {
    const sender = NewMailChimp('key-123', 'coffee@coffeeco.example', { url: 'http://127.0.0.1:1/send' });
    await expect(sender.SendEmail(Background(), 'lover@example.com', 'Hi', 'Hello')).rejects.toThrow(
      /^failed to send email: fetch failed/,
    );
  });

  it('an address that is not one fails to make the request', async () => {
    const sender = NewMailChimp('key-123', 'coffee@coffeeco.example', { url: 'not a url' });
    await expect(sender.SendEmail(Background(), 'lover@example.com', 'Hi', 'Hello')).rejects.toThrow(
      /^failed to create request: /,
    );
  });
});
