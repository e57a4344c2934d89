import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventStoreMigrations } from '../src/eventstore/schema.js';
import { idempotencyMigrations } from '../src/http/idempotency.js';
import { embeddedBrokerMigrations } from '../src/messaging/embedded/schema.js';
import { natsBrokerMigrations } from '../src/messaging/nats/schema.js';
import { projectionMigrations } from '../src/projections/schema.js';
import { sagaMigrations } from '../src/sagas/schema.js';
import { deadlineMigrations } from '../src/scheduling/schema.js';
import { changePositionMigrations } from '../src/sql/change-positions.js';

/**
 * A released migration never changes: a database that ran it records its checksum and refuses to start with a
 * different text. These are the platform's own, pinned (the first 16 hex digits of each SHA-256): a new
 * migration is a new entry here, never an edited one.
 */
const RELEASED: Record<string, string> = {
  'shop.eventstore 1 events_and_snapshots': '72d29fa34c746b86',
  'shop.eventstore 2 plan_once': '7ce9be4a1675c96f',
  'broker.broker 1 messages_groups_deliveries': '8ae1af60534a4121',
  'broker.broker 2 inbox': 'dfab9171bbf8465c',
  'broker.broker 3 notify_groups': 'da5919b45ca3ed3c',
  'broker.broker 4 trail': '26113239be225f02',
  'broker.broker 5 plan_once': 'b64e45fd27f0b13f',
  'broker.broker 6 types': '8b2a7e274acdc88a',
  'messaging.nats 1 outbox_inbox_dead_letters': '790f93903b8302e4',
  'messaging.nats 2 lanes': '6c91e733cd86b8d3',
  'messaging.nats 3 trail': '670c1c425413fe0b',
  'messaging.nats 4 trail_traces': 'd22f7ca49795efb5',
  'messaging.nats 5 relay_turn': '6e19b85750085e91',
  'shop.projections 1 projection_checkpoints': 'f7c1aa8123c9f313',
  'scheduling.deadlines 1 deadlines': '47051ca766efcd66',
  'scheduling.deadlines 2 trace_headers': '40396caac6ad8697',
  'http.idempotency 1 idempotency_keys': '2ba204d78354c360',
  'sagas 1 instances_history_commands': 'b9298c699c7347e2',
  'shop.change-positions 1 create_change_positions': '7b1219aaf2462b79',
};

describe("the platform's released migrations", () => {
  it('keep their exact text, whatever the code that builds them', () => {
    const sets = [
      eventStoreMigrations('shop'),
      embeddedBrokerMigrations(),
      natsBrokerMigrations(),
      projectionMigrations('shop'),
      deadlineMigrations(),
      idempotencyMigrations(),
      sagaMigrations(),
      changePositionMigrations('shop'),
    ];
    const sums = Object.fromEntries(
      sets.flatMap((set) =>
        set.migrations.map((migration) => [
          `${set.name} ${migration.version} ${migration.name}`,
          createHash('sha256').update(migration.sql).digest('hex').slice(0, 16),
        ]),
      ),
    );
    expect(sums).toEqual(RELEASED);
  });
});
