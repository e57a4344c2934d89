import type { DomainEvent } from '@tessera/platform/ddd';
import type { RecordedEvent } from '@tessera/platform/eventstore';

/**
 * Narrows recorded events to one aggregate's events. The registry validated each payload when it was written,
 * so the cast only restores the type the schema already guarantees.
 */
export function eventsOf<Event extends DomainEvent>(
  aggregateName: string,
  types: Record<Event['type'], unknown>,
) {
  const prefix = `${aggregateName}-`;
  const known = new Set(Object.keys(types));
  return (recorded: readonly RecordedEvent[]): Array<{ id: string; event: Event }> =>
    recorded
      .filter((event) => event.streamName.startsWith(prefix) && known.has(event.type))
      .map((event) => ({ id: event.streamName.slice(prefix.length), event: event as unknown as Event }));
}
