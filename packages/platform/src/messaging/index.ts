export type { ChannelContract, MessageContract } from './asyncapi.js';
export { asyncApiDocument } from './asyncapi.js';
export type {
  Broker,
  DeadLetter,
  DeadLetters,
  Delivery,
  Publisher,
  Subscribed,
  Subscriber,
  Subscription,
} from './broker.js';
export {
  checkSubjectPatterns,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_ATTEMPTS,
  defaultBackoff,
  subjectMatches,
} from './broker.js';
export type { EmbeddedBrokerOptions } from './embedded/broker.js';
export { createEmbeddedBroker } from './embedded/broker.js';
export { brokerChannel, embeddedBrokerMigrations } from './embedded/schema.js';
export type { Envelope, NewMessage } from './envelope.js';
export {
  causedBy,
  decodeEnvelope,
  derivedId,
  encodeEnvelope,
  envelopeSchema,
  newEnvelope,
  PoisonMessageError,
} from './envelope.js';
