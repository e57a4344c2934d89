import { type IncomingMessage, request } from 'node:http';
import { signals } from './conditions.js';

/** One Server-Sent Event as a client receives it. */
export interface ServerSentEvent {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
  json<T = unknown>(): T;
}

/** A stream of Server-Sent Events read over real HTTP, as a browser's EventSource would read it. */
export interface EventStream {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  /** The body, when the answer is not a stream (a problem). */
  readonly body?: string;
  /** Every event received so far, in order. */
  readonly events: readonly ServerSentEvent[];
  /** Every comment line received so far (heartbeats), without the colon. */
  readonly comments: readonly string[];
  /** The last id received: what an EventSource sends as Last-Event-ID when it reconnects. */
  readonly lastEventId: string | undefined;
  /** Resolves with the events once `check` holds of them (checked at each one received); rejects if the stream ends first or after `timeoutMs`. */
  until(
    check: (events: readonly ServerSentEvent[]) => boolean,
    timeoutMs?: number,
  ): Promise<ServerSentEvent[]>;
  /** Resolves once a comment line arrives after the call (a heartbeat). */
  nextComment(timeoutMs?: number): Promise<string>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  /** Goes away, as a client whose connection drops. */
  close(): Promise<void>;
}

type Received =
  | { kind: 'event'; event: ServerSentEvent }
  | { kind: 'comment'; text: string }
  | { kind: 'end' };

/** Parses one SSE block (the lines between blank lines) as the HTML standard's EventSource does. */
function parseBlock(block: string): Array<Exclude<Received, { kind: 'end' }>> {
  const out: Array<Exclude<Received, { kind: 'end' }>> = [];
  const data: string[] = [];
  let id: string | undefined;
  let event = 'message';
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line.startsWith(':')) {
      out.push({ kind: 'comment', text: line.slice(1).trim() });
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
  }
  if (data.length > 0) {
    const text = data.join('\n');
    out.push({
      kind: 'event',
      event: { ...(id === undefined ? {} : { id }), event, data: text, json: () => JSON.parse(text) },
    });
  }
  return out;
}

/** Reads a whole answer's body as text. */
async function textOf(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response) text += String(chunk);
  return text;
}

/**
 * Opens a Server-Sent Events stream over a connection of its own (a real one: the server must listen; not
 * fetch, whose pool opens a spare connection when one is dropped) and reads it as it comes. Tests wait on what
 * arrives (`until`, `nextComment`), never on time.
 */
export async function openEventStream(
  url: string,
  init: { headers?: Record<string, string> } = {},
): Promise<EventStream> {
  const outgoing = request(url, {
    agent: false,
    headers: { accept: 'text/event-stream', ...init.headers },
  });
  let closing = false;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    outgoing.once('response', resolve).once('error', reject).end();
  });
  response.setEncoding('utf8');
  const received = signals<Received>();
  const events: ServerSentEvent[] = [];
  const comments: string[] = [];
  let lastEventId: string | undefined;
  const push = (item: Received) => {
    if (item.kind === 'event') {
      events.push(item.event);
      if (item.event.id !== undefined) lastEventId = item.event.id;
    } else if (item.kind === 'comment') comments.push(item.text);
    received.push(item);
  };
  const isStream =
    response.statusCode === 200 && response.headers['content-type']?.startsWith('text/event-stream');
  const body = isStream ? undefined : await textOf(response);
  const ended = (async () => {
    if (!isStream) return;
    let buffer = '';
    try {
      for await (const chunk of response) {
        buffer += String(chunk);
        let boundary = /\r\n\r\n|\n\n|\r\r/.exec(buffer);
        while (boundary) {
          for (const item of parseBlock(buffer.slice(0, boundary.index))) push(item);
          buffer = buffer.slice(boundary.index + boundary[0].length);
          boundary = /\r\n\r\n|\n\n|\r\r/.exec(buffer);
        }
      }
    } catch (error) {
      if (!closing) throw error;
    } finally {
      push({ kind: 'end' });
    }
  })();
  ended.catch(() => {});

  const waitFor = async <T>(
    check: (items: Received[]) => T | undefined,
    what: string,
    timeoutMs: number,
  ): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    });
    try {
      let found: T | undefined;
      await Promise.race([
        received.until((items) => {
          found = check(items);
          return found !== undefined || items.at(-1)?.kind === 'end';
        }),
        timedOut,
      ]);
      if (found === undefined) throw new Error(`the stream ended before ${what}`);
      return found;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    status: response.statusCode ?? 0,
    headers: response.headers,
    ...(body === undefined ? {} : { body }),
    events,
    comments,
    get lastEventId() {
      return lastEventId;
    },
    until: (check, timeoutMs = 20_000) =>
      waitFor(() => (check(events) ? [...events] : undefined), 'the events expected', timeoutMs),
    nextComment(timeoutMs = 20_000) {
      const seen = received.items.length;
      return waitFor(
        (items) => {
          const next = items.slice(seen).find((item) => item.kind === 'comment');
          return next?.kind === 'comment' ? next.text : undefined;
        },
        'a comment line',
        timeoutMs,
      );
    },
    ended: ended.then(() => undefined),
    async close() {
      closing = true;
      outgoing.destroy();
      await ended.catch(() => {});
    },
  };
}
