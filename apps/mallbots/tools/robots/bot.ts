import { type Client, Code, ConnectError } from '@connectrpc/connect';
import type { Logger } from '@tessera/platform/observability';
import {
  type Instruction,
  ItemOutcome,
  type RobotService,
  type Shop,
} from '../../src/depot/contract/gen/mallbots/depot/v1/robots_pb.js';

export interface BotTimings {
  /** How long a bot takes to walk to a store, to pick one item, and to walk back to the depot. */
  readonly stepMs: number;
  /** The chance (0–1) that an item is unavailable when the bot gets to it. */
  readonly unavailableRate: number;
  /** The chance (0–1) that a bot loses its connection after reporting an item (then reconnects). */
  readonly disconnectRate: number;
  /** Wait before the first reconnection; doubles up to `maxBackoffMs`. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export interface SimulatedBot {
  readonly id: string;
  readonly name: string;
  /** Ends the bot: its stream closes (the depot sees it go offline) and its work stops. */
  stop(): Promise<void>;
}

/** Failures a bot waits out and retries: the depot or the way to it is away for a while. */
const transient = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.Canceled,
  Code.Unknown,
  Code.Aborted,
]);

/** The depot refused a report: the bot's idea of its errand is out of date. */
class Refused extends Error {}

/** What the bot is doing, so that a repeated instruction (the stream's update after its own report) is not redone. */
const keyOf = (instruction: Instruction) => {
  const { kind } = instruction;
  return kind.case === undefined || kind.case === 'wait'
    ? 'wait'
    : `${kind.case}:${kind.value.shoppingListId}`;
};

/**
 * A robot driven only by the robots' API: it keeps a stream open (reconnecting with backoff), and carries out
 * the latest instruction: goes round the stops reporting each item, walks back and reports its return.
 */
export function startBot(options: {
  id: string;
  name: string;
  client: Client<typeof RobotService>;
  /** The bot's own access token (its client credential's), sent with every call: it acts only as itself. */
  token: () => Promise<string>;
  timings: BotTimings;
  logger: Logger;
  random?: () => number;
}): SimulatedBot {
  const { id, name, client, timings } = options;
  /** The call options that present the bot's credential (a token that cannot be had fails like an outage). */
  const credential = async () => ({ headers: { authorization: `Bearer ${await options.token()}` } });
  const random = options.random ?? Math.random;
  const log = options.logger.child({ bot: name });
  const stopping = new AbortController();
  let connection: AbortController | undefined;
  let current: { key: string; work: AbortController } | undefined;
  let working: Promise<void> = Promise.resolve();

  const pause = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });

  /** Calls the API until it answers; transient failures are retried while the work still stands. */
  async function call<T>(
    what: string,
    signal: AbortSignal,
    attempt: () => Promise<T>,
  ): Promise<T | undefined> {
    for (let wait = timings.backoffMs; !signal.aborted; wait = Math.min(wait * 2, timings.maxBackoffMs)) {
      try {
        return await attempt();
      } catch (error) {
        const failure = ConnectError.from(error);
        if (signal.aborted) return undefined;
        if (!transient.has(failure.code)) {
          log.warn({ code: Code[failure.code], error: failure.rawMessage }, `${what} refused`);
          throw new Refused();
        }
        log.debug({ code: Code[failure.code] }, `${what} failed; retrying`);
        await pause(wait, signal);
      }
    }
    return undefined;
  }

  async function shop(shopping: Shop, signal: AbortSignal) {
    const listId = shopping.shoppingListId;
    let shopped = false;
    for (const stop of shopping.stops) {
      const todo = stop.items.filter((item) => item.outcome === ItemOutcome.UNSPECIFIED);
      if (todo.length === 0) continue;
      shopped = true;
      log.info({ list: listId, store: stop.storeName, location: stop.storeLocation }, 'walking to a store');
      await pause(timings.stepMs, signal);
      for (const item of todo) {
        await pause(timings.stepMs, signal);
        if (signal.aborted) return;
        const unavailable = random() < timings.unavailableRate;
        const reported = await call('reporting an item', signal, async () =>
          client.reportItem(
            {
              botId: id,
              shoppingListId: listId,
              storeId: stop.storeId,
              productId: item.productId,
              outcome: unavailable ? ItemOutcome.UNAVAILABLE : ItemOutcome.PICKED,
            },
            await credential(),
          ),
        );
        if (!reported) return;
        log.info(
          { list: listId, store: stop.storeName, product: item.productName, quantity: item.quantity },
          unavailable ? 'item unavailable' : 'item picked',
        );
        if (random() < timings.disconnectRate) {
          log.info('losing the connection (simulated)');
          connection?.abort();
        }
      }
    }
    if (shopped) log.info({ list: listId }, 'every item reported');
  }

  async function goBack(shoppingListId: string, why: string, signal: AbortSignal) {
    log.info({ list: shoppingListId }, why);
    await pause(timings.stepMs, signal);
    if (signal.aborted) return;
    const returned = await call('reporting the return', signal, async () =>
      client.reportReturned({ botId: id, shoppingListId }, await credential()),
    );
    if (returned) log.info({ list: shoppingListId }, 'back at the depot');
  }

  async function perform(instruction: Instruction, signal: AbortSignal) {
    const { kind } = instruction;
    if (kind.case === 'shop') await shop(kind.value, signal);
    else if (kind.case === 'return')
      await goBack(kind.value.shoppingListId, 'walking back to the depot', signal);
    else if (kind.case === 'recall') {
      await goBack(kind.value.shoppingListId, `recalled: ${kind.value.reason}`, signal);
    } else log.info('waiting for a list');
  }

  /** A new instruction replaces the work in progress, unless it is the same errand (progress on it). */
  function instruct(instruction: Instruction) {
    const key = keyOf(instruction);
    if (current?.key === key) return;
    current?.work.abort();
    const work = new AbortController();
    const mine = { key, work };
    current = mine;
    const previous = working;
    working = (async () => {
      await previous;
      try {
        if (!work.signal.aborted) await perform(instruction, work.signal);
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        // What it was doing is not what the depot holds: after a pause, a new stream tells it what to do.
        await pause(timings.maxBackoffMs, work.signal);
        if (!work.signal.aborted) connection?.abort();
      }
      // Done (or abandoned): the same instruction again, e.g. after a reconnection, is carried out again.
      if (current === mine) current = undefined;
    })().catch((error: unknown) => log.error({ err: error }, 'bot failed'));
  }

  const connected = (async () => {
    let wait = timings.backoffMs;
    while (!stopping.signal.aborted) {
      connection = new AbortController();
      const signal = AbortSignal.any([stopping.signal, connection.signal]);
      try {
        for await (const message of client.connect(
          { botId: id, name },
          { signal, ...(await credential()) },
        )) {
          wait = timings.backoffMs;
          if (message.instruction) instruct(message.instruction);
        }
        log.info('the depot ended the stream');
      } catch (error) {
        if (stopping.signal.aborted) break;
        const failure = ConnectError.from(error);
        log.info({ code: Code[failure.code], error: failure.rawMessage }, 'disconnected');
        if (!transient.has(failure.code)) wait = timings.maxBackoffMs;
      }
      await pause(wait, stopping.signal);
      wait = Math.min(wait * 2, timings.maxBackoffMs);
      if (!stopping.signal.aborted) log.info('reconnecting');
    }
  })();

  return {
    id,
    name,
    async stop() {
      stopping.abort();
      current?.work.abort();
      await connected;
      await working;
    },
  };
}
