import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { derivedId } from '@tessera/platform/messaging';
import type { Logger } from '@tessera/platform/observability';
import { RobotService } from '../../src/depot/contract/gen/mallbots/depot/v1/robots_pb.js';
import { type BotTimings, type SimulatedBot, startBot } from './bot.js';

export interface FleetOptions extends BotTimings {
  /** The robots' API (the host's RPC address), e.g. http://127.0.0.1:8085. */
  readonly url: string;
  readonly count: number;
  /** Bots are named `<prefix>-1`, `<prefix>-2`…; their ids derive from the names. */
  readonly prefix: string;
  /** Each bot's own access token (`robotCredentials`): the robots' API admits a robot only as itself. */
  readonly credentials: BotCredentials;
  readonly logger: Logger;
  readonly random?: () => number;
}

/** A bot of the fleet, before it starts. */
export interface FleetBot {
  readonly id: string;
  readonly name: string;
}

/** Where each bot gets its access token. */
export type BotCredentials = (bot: FleetBot) => () => Promise<string>;

export interface Fleet {
  readonly bots: readonly SimulatedBot[];
  stop(): Promise<void>;
}

/** The same name is the same bot on every run, so a rerun resumes the bots (and the lists they hold). */
export const botIdOf = (name: string) => derivedId(`mallbots-robot:${name}`, 0);

/** The bots a fleet of `count` runs: `<prefix>-1`…, each with the id its name gives. */
export const fleetBots = (prefix: string, count: number): FleetBot[] =>
  Array.from({ length: count }, (_, index) => {
    const name = `${prefix}-${index + 1}`;
    return { id: botIdOf(name), name };
  });

/** N simulated bots over gRPC (one HTTP/2 connection), each with its own credential, until `stop`. */
export function startFleet(options: FleetOptions): Fleet {
  const client = createClient(RobotService, createGrpcTransport({ baseUrl: options.url }));
  const bots = fleetBots(options.prefix, options.count).map(({ id, name }) => {
    return startBot({
      id,
      name,
      client,
      token: options.credentials({ id, name }),
      timings: options,
      logger: options.logger,
      ...(options.random ? { random: options.random } : {}),
    });
  });
  options.logger.info({ count: options.count, url: options.url }, 'robots started');
  return {
    bots,
    async stop() {
      await Promise.all(bots.map((bot) => bot.stop()));
      options.logger.info('robots stopped');
    },
  };
}
