export type { AggregateType, DomainEvent, EventOf } from './aggregate.js';
export { fold } from './aggregate.js';
export type { DomainEventBus, DomainEventHandler } from './bus.js';
export { createDomainEventBus } from './bus.js';
export type { ErrorKind } from './errors.js';
export {
  alreadyExists,
  conflict,
  DomainError,
  failedPrecondition,
  grpcCodeOf,
  httpStatusOf,
  invalidArgument,
  isDomainError,
  notFound,
  permissionDenied,
  unauthenticated,
} from './errors.js';
export { readThrough } from './read-through.js';
