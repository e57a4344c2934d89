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
  readonly logger: Logger;
  readonly random?: () => number;
}

export interface Fleet {
  readonly bots: readonly SimulatedBot[];
  stop(): Promise<void>;
}

/** The same name is the same bot on every run, so a rerun resumes the bots (and the lists they hold). */
export const botIdOf = (name: string) => derivedId(`mallbots-robot:${name}`, 0);

/** N simulated bots over gRPC (one HTTP/2 connection), until `stop`. */
export function startFleet(options: FleetOptions): Fleet {
  const client = createClient(RobotService, createGrpcTransport({ baseUrl: options.url }));
  const bots = Array.from({ length: options.count }, (_, index) => {
    const name = `${options.prefix}-${index + 1}`;
    return startBot({
      id: botIdOf(name),
      name,
      client,
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
