import { type Publisher, publishMessages } from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import type { CompensationFailedPublisher } from '../saga.js';

/** Where failed compensations are reported, for whoever retries them. */
export const COMPENSATIONS_CHANNEL = 'coffeeco.building-blocks.events.Compensation';

/**
 * `compensation.failed` through the platform's exactly-once machinery (SAGA-7): the message is written in a
 * transaction (the outbox, with the embedded broker) and keeps the event's id, derived from the saga and the
 * step, so a report repeated by a retried saga is the same message, which the broker and every receiver's
 * inbox drop. Neither lost nor doubled in effect.
 */
export function outboxCompensationEvents(db: SqlClient, publisher: Publisher): CompensationFailedPublisher {
  return (event) =>
    db.transaction(() =>
      publishMessages(publisher, event.header.source, [
        {
          id: event.header.id,
          type: event.header.type,
          subject: COMPENSATIONS_CHANNEL,
          key: event.body.sagaId,
          data: event.body,
        },
      ]),
    );
}
