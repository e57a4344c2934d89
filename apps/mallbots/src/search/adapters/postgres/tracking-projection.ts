import type { RecordedEvent } from '@tessera/platform/eventstore';
import type { Projection, ProjectionHandler } from '@tessera/platform/projections';
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

/**
 * What a customer watches of each order (`search.order_tracking`): each event of an order's stream folded into
 * its row by the domain's `evolveTracking`, the row's `position` moved to the event's. Every event changes one
 * row, so positions are unique among rows and a live feed resumes after one without missing or repeating a
 * row. Every value comes from the events (times included), so a rebuild reproduces the table exactly.
 */
export function trackingProjection(db: Queryable): Projection {
  const fold: ProjectionHandler = async (event) => {
    const orderId = subjectOf(event.streamName);
    const { rows } = await db.query<{ tracking: Tracking | string }>(
      'SELECT tracking FROM search.order_tracking WHERE order_id = $1',
      [orderId],
    );
    const previous = rows[0] ? json(rows[0].tracking) : undefined;
    const tracking = evolveTracking(previous, orderId, {
      type: event.type as TrackedEventType,
      data: event.data as SearchEventData<TrackedEventType>,
      at: timeOf(event),
    } as TrackingEvent);
    await db.query(
      `INSERT INTO search.order_tracking (order_id, customer_id, customer_name, status, statuses_entered,
                                          tracking, position, placed_at, updated_at)
       VALUES ($1, $2, COALESCE((SELECT name FROM search.tracking_customer_names WHERE id = $2), ''), $3,
               ARRAY[$3]::text[], $4::jsonb, $5, $6, $7)
       ON CONFLICT (order_id) DO UPDATE
         SET customer_id = EXCLUDED.customer_id,
             customer_name = EXCLUDED.customer_name,
             status = EXCLUDED.status,
             statuses_entered = CASE WHEN $3 = ANY(search.order_tracking.statuses_entered)
                                     THEN search.order_tracking.statuses_entered
                                     ELSE search.order_tracking.statuses_entered || ARRAY[$3]::text[] END,
             tracking = EXCLUDED.tracking,
             position = EXCLUDED.position,
             placed_at = EXCLUDED.placed_at,
             updated_at = EXCLUDED.updated_at`,
      [
        orderId,
        tracking.customerId,
        tracking.status,
        JSON.stringify(tracking),
        event.position,
        tracking.placedAt,
        event.recordedAt,
      ],
    );
  };

  return {
    name: TRACKING_PROJECTION,
    async reset() {
      await db.query('TRUNCATE search.order_tracking, search.tracking_customer_names');
    },
    handlers: {
      ...Object.fromEntries(trackedEventTypes.map((type) => [type, fold])),
      // A name changes what the rows show but not where they are in the feed: one event, many rows, and a
      // position shared by rows could be half sent when a stream breaks. The name shows with a row's next
      // change, and in lists at once.
      async 'search.CustomerNamed'(event) {
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
      },
    },
  };
}
