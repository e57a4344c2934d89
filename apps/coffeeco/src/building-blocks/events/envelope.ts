/**
 * The book's event (EDA-2): a header of meta-information (a unique id, when it was emitted, which system
 * emitted it, what kind of event it is) and a body, the state that changed. CoffeeCo's modules use the
 * platform's envelope (`@tessera/platform/messaging`), which has these fields and more (`id`, `time`,
 * `source`, `type`); this is the book's shape, small enough to read at a glance.
 */
export interface EventHeader {
  /** Unique per message, and the same for every retry of one logical event: receivers deduplicate on it. */
  readonly id: string;
  /** ISO 8601, UTC. */
  readonly timestamp: string;
  /** The system that emitted it. */
  readonly source: string;
  /** `<context>.<event>`, e.g. `user.loggedIn`, `purchase.failed`. */
  readonly type: string;
}

export interface DomainEvent<B = unknown> {
  readonly header: EventHeader;
  readonly body: B;
}

const TYPE = /^[a-z][a-zA-Z0-9-]*\.[a-zA-Z][a-zA-Z0-9]*$/;

/**
 * A new event. Its id is new unless given: a retried publication must pass the id of its first attempt (or
 * one derived with `EventIDFor` from what caused it), so that it is the same event, not a second one (EDA-T2).
 */
export function NewEvent<B>(
  source: string,
  type: string,
  body: B,
  options: { readonly id?: string; readonly now?: Date } = {},
): DomainEvent<B> {
  if (!TYPE.test(type)) throw new RangeError(`an event type is <context>.<event>, not ${type}`);
  if (source.trim() === '') throw new RangeError('an event names the system that emitted it');
  return Object.freeze({
    header: Object.freeze({
      id: options.id ?? crypto.randomUUID(),
      timestamp: (options.now ?? new Date()).toISOString(),
      source,
      type,
    }),
    body,
  });
}

/**
 * The id of the `index`th event caused by `causeID` (a command's id, an incoming message's id, an aggregate's
 * id at a version): the same every time it is computed, so an attempt that is retried publishes the ids of the
 * first attempt and the receivers drop the copies.
 */
export const EventIDFor = (causeID: string, index: number): string => `${causeID}/${index}`;

export type EventHandler<B = unknown> = (event: DomainEvent<B>) => Promise<void>;

/**
 * A subscriber's dispatch: the types it cares about, each with its handler. Any other type is ignored, not an
 * error: "there is no expectation that every system is interested in every domain event" (EDA-4), and a
 * publisher may add a type without breaking anyone.
 */
export function handlersFor(
  handlers: Readonly<Record<string, EventHandler<never>>>,
): (event: DomainEvent) => Promise<'handled' | 'ignored'> {
  return async (event) => {
    const handler = Object.hasOwn(handlers, event.header.type) ? handlers[event.header.type] : undefined;
    if (!handler) return 'ignored';
    await (handler as EventHandler)(event);
    return 'handled';
  };
}
