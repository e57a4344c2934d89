export type { AggregateType, DomainEvent, EventOf } from './aggregate.js';
export { fold } from './aggregate.js';
export type { DomainEventBus, DomainEventHandler } from './bus.js';
export { createDomainEventBus } from './bus.js';
export type { ErrorKind } from './errors.js';
export {
  alreadyExists,
  conflict,
  DomainError,
  ERROR_KINDS,
  failedPrecondition,
  invalidArgument,
  isDomainError,
  notFound,
  permissionDenied,
  unauthenticated,
} from './errors.js';
export { found } from './found.js';
export { fromCents, hasAtMostTwoDecimals, moneyText, toCents } from './money.js';
export type { Page, PageRequest } from './pages.js';
export { mapPage, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, pageOf } from './pages.js';
export type { LocalCopy } from './read-through.js';
export { readThrough } from './read-through.js';
export type {
  AggregateStore,
  Change,
  StateRepository,
  StateStored,
  UnitOfWork,
  Versioned,
} from './state-stored.js';
export { stateStored } from './state-stored.js';
export { nonBlank } from './text.js';
