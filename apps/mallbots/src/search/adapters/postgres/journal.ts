import type { EventStore } from '@tessera/platform/eventstore';
import { lockKey, type Queryable } from '@tessera/platform/sql';
import type { SearchJournal } from '../../application/ports.js';

/**
 * Search's event store as the journal. Appends join the caller's transaction (the broker's handling), so an
 * event exists if and only if its message was acknowledged; no expected version: what was told is appended
 * in the order it was handled, and a channel's order per key is the broker's. Unless the handling may read
 * them back, they go with the COMMIT: no round trip each, and the store's global order lock is held only
 * while the server commits, not while the handling goes on.
 */
export function eventStoreJournal(db: Queryable, store: EventStore): SearchJournal {
  return {
    async record(stream, events, options) {
      if (options?.readBack) await store.append(stream, events);
      else await store.appendAtCommit(stream, events);
    },
    async has(stream) {
      // Held until the handling's transaction ends: two orders of one customer handled at once take turns,
      // and the second sees the name the first recorded instead of asking Customers again.
      await lockKey(db, stream);
      return (await store.streamVersion(stream)) > 0;
    },
  };
}
