import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake partner does with one call: answer hotels, fail with a status, or never answer. */
export type PartnerReply =
  | { hotels: ReadonlyArray<{ name: string; priceInUSDPerNight: number }> }
  | { status: number; body?: string }
  | 'hang';

/** The book's four hotels, in whole dollars a night, as the partner says them. */
export const BOOK_HOTELS = [
  { name: 'some hotel', priceInUSDPerNight: 300 },
  { name: 'some other hotel', priceInUSDPerNight: 30 },
  { name: 'some third hotel', priceInUSDPerNight: 90 },
  { name: 'some fourth hotel', priceInUSDPerNight: 80 },
];

/**
 * A real HTTP server acting as the hotel partner: each call takes the next scripted reply (the last one
 * repeats), and is recorded, so that a test counts the calls and reads what was asked.
 */
export async function startFakePartner() {
  const script: PartnerReply[] = [{ hotels: BOOK_HOTELS }];
  const calls: string[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    calls.push(request.url ?? '');
    const reply = script.length > 1 ? script.shift()! : script[0]!;
    if (reply === 'hang') {
      hanging.add(response);
      return;
    }
    if ('hotels' in reply) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ availableHotels: reply.hotels }));
      return;
    }
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(reply.body ?? '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** The partner's base URL, as PARTNERSHIPS_URL gives it. */
    url: `http://127.0.0.1:${port}/partner-api`,
    calls,
    /** The replies to the next calls, in order; the last one repeats. */
    answers(...replies: PartnerReply[]) {
      script.splice(0, script.length, ...replies);
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakePartner = Awaited<ReturnType<typeof startFakePartner>>;

/** Waits short enough for tests: the same policies, milliseconds instead of seconds. */
export const FAST = {
  initialDelayMs: 1,
  maxDelayMs: 5,
  timeoutMs: 500,
  halfOpenAfterMs: 60_000,
} as const;
