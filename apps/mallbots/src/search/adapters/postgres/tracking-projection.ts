import type { RecordedEvent } from '@tessera/platform/eventstore';
import type { Projection } from '@tessera/platform/projections';
import type { Queryable } from '@tessera/platform/sql';
import { type SearchEventData, subjectOf } from '../../domain/events.js';
import {
  evolveTracking,
  type TrackedEventType,
  type Tracking,
  type TrackingEvent,
  trackedEventTypes,
} from '../../domain/tracking.js';

export const TRACKING_PROJECTION = 'search.tracking';

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/** When the event says it happened: its own time when it carries one, else when Search recorded it. */
function timeOf(event: RecordedEvent): string {
  const data = event.data as { at?: string; placedAt?: string };
  return data.at ?? data.placedAt ?? event.recordedAt.toISOString();
}

/** An order's row as a batch leaves it: its tracking, the statuses it entered (in order), its last event. */
interface Folded {
  tracking: Tracking;
  statuses: string[];
  event: RecordedEvent;
}

/**
 * What a customer watches of each order (`search.order_tracking`): each event of an order's stream folded into
 * its row by the domain's `evolveTracking`, the row's `position` moved to the event's. Every row's position is
 * its last event's, so positions are unique among rows and a live feed resumes after one without missing or
 * repeating a row. Every value comes from the events (times included), so a rebuild reproduces the table
 * exactly.
 *
 * A batch is folded in memory, one read and one upsert for all of its orders (two statements per event
 * otherwise); a customer's name comes in between, as it came in the stream.
 */
export function trackingProjection(db: Queryable): Projection {
  const tracked = new Set<string>(trackedEventTypes);

  /** One SELECT of the rows, the events folded in order, one upsert of every row they changed. */
  const foldAll = async (events: readonly RecordedEvent[]) => {
    const orderIds = [...new Set(events.map((event) => subjectOf(event.streamName)))];
    const { rows } = await db.query<{ order_id: string; tracking: Tracking | string }>(
      'SELECT order_id, tracking FROM search.order_tracking WHERE order_id = ANY($1::text[])',
      [orderIds],
    );
    const folded = new Map<string, Folded>();
    const stored = new Map(rows.map((row) => [row.order_id, json(row.tracking)]));
    for (const event of events) {
      const orderId = subjectOf(event.streamName);
      const before = folded.get(orderId);
      const tracking = evolveTracking(before?.tracking ?? stored.get(orderId), orderId, {
        type: event.type as TrackedEventType,
        data: event.data as SearchEventData<TrackedEventType>,
        at: timeOf(event),
      } as TrackingEvent);
      const statuses = before?.statuses ?? [];
      if (!statuses.includes(tracking.status)) statuses.push(tracking.status);
      folded.set(orderId, { tracking, statuses, event });
    }
    const changed = [...folded.values()];
    await db.query(
      `INSERT INTO search.order_tracking (order_id, customer_id, customer_name, status, statuses_entered,
                                          tracking, position, placed_at, updated_at)
       SELECT r.order_id, r.customer_id,
              COALESCE((SELECT name FROM search.tracking_customer_names WHERE id = r.customer_id), ''),
              r.status, r.statuses, r.tracking, r.position, r.placed_at, r.updated_at
         FROM json_to_recordset($1::json) AS r(order_id text, customer_id text, status text, statuses text[],
              tracking jsonb, position bigint, placed_at timestamptz, updated_at timestamptz)
       ON CONFLICT (order_id) DO UPDATE
         SET customer_id = EXCLUDED.customer_id,
             customer_name = EXCLUDED.customer_name,
             status = EXCLUDED.status,
             statuses_entered = search.order_tracking.statuses_entered || ARRAY(
               SELECT u.status FROM unnest(EXCLUDED.statuses_entered) WITH ORDINALITY AS u(status, n)
                WHERE NOT (u.status = ANY(search.order_tracking.statuses_entered)) ORDER BY u.n),
             tracking = EXCLUDED.tracking,
             position = EXCLUDED.position,
             placed_at = EXCLUDED.placed_at,
             updated_at = EXCLUDED.updated_at`,
      [
        JSON.stringify(
          changed.map(({ tracking, statuses, event }) => ({
            order_id: tracking.orderId,
            customer_id: tracking.customerId,
            status: tracking.status,
            statuses,
            tracking,
            position: event.position,
            placed_at: tracking.placedAt,
            updated_at: event.recordedAt,
          })),
        ),
      ],
    );
  };

  // A name changes what the rows show but not where they are in the feed: one event, many rows, and a
  // position shared by rows could be half sent when a stream breaks. The name shows with a row's next
  // change, and in lists at once.
  const customerNamed = async (event: RecordedEvent) => {
    const id = subjectOf(event.streamName);
    const { name } = event.data as SearchEventData<'search.CustomerNamed'>;
    await db.query(
      `INSERT INTO search.tracking_customer_names (id, name) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`,
      [id, name],
    );
    await db.query(
      'UPDATE search.order_tracking SET customer_name = $2 WHERE customer_id = $1 AND customer_name <> $2',
      [id, name],
    );
  };

  return {
    name: TRACKING_PROJECTION,
    async reset() {
      await db.query('TRUNCATE search.order_tracking, search.tracking_customer_names');
    },
    async handleBatch(events) {
      let run: RecordedEvent[] = [];
      for (const event of events) {
        if (tracked.has(event.type)) run.push(event);
        else if (event.type === 'search.CustomerNamed') {
          if (run.length > 0) await foldAll(run);
          run = [];
          await customerNamed(event);
        }
      }
      if (run.length > 0) await foldAll(run);
    },
  };
}
