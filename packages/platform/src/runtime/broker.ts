import {
  type Broker,
  createEmbeddedBroker,
  createNatsBroker,
  embeddedBrokerMigrations,
  natsBrokerMigrations,
} from '../messaging/index.js';
import type { MigrationSet, SqlClient } from '../sql/index.js';
import type { Config } from './config.js';

/** The broker's tables for this configuration: NATS's outbox and inbox, or the embedded broker's log. */
export const brokerMigrations = (config: Config): MigrationSet =>
  config.natsUrl ? natsBrokerMigrations() : embeddedBrokerMigrations();

/**
 * The broker the configuration names (ADR 0008): NATS JetStream when `NATS_URL` is set, else the embedded
 * broker in the same database. The host and the operations CLI open it the same way.
 */
export async function openBroker(
  config: Config,
  db: SqlClient,
  options: {
    name: string;
    onError?: (error: unknown, context: { group: string; messageId?: string; attempt?: number }) => void;
  },
): Promise<Broker> {
  const common = {
    db,
    retentionMs: config.inboxRetentionMs,
    ...(options.onError ? { onError: options.onError } : {}),
  };
  if (!config.natsUrl) return createEmbeddedBroker(common);
  return createNatsBroker({
    ...common,
    servers: config.natsUrl.split(','),
    stream: config.natsStream,
    partitions: config.natsPartitions,
    ackWaitMs: config.natsAckWaitMs,
    name: options.name,
  });
}

/** The broker as a module sees it: its subscriptions name the module, on the spans of their handlings. */
export function brokerOfModule(broker: Broker, module: string): Broker {
  const scoped: Broker = Object.create(broker);
  scoped.subscribe = (subscription) =>
    broker.subscribe({ ...subscription, module: subscription.module ?? module });
  return scoped;
}
