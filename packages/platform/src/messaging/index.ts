export type { ChannelContract, MessageContract } from './asyncapi.js';
export { asyncApiDocument } from './asyncapi.js';
export type {
  Broker,
  DeadLetter,
  DeadLetters,
  Delivery,
  GroupLag,
  Publisher,
  Subscribed,
  Subscriber,
  Subscription,
} from './broker.js';
export {
  checkName,
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
  checkEnvelope,
  decodeEnvelope,
  derivedId,
  encodeEnvelope,
  envelopeSchema,
  handlingOf,
  newEnvelope,
  PoisonMessageError,
  plainlyValid,
} from './envelope.js';
export type { CrashPoint, FaultContext, Faults } from './faults.js';
export { Crash, isCrash } from './faults.js';
export type {
  CommandHandler,
  CommandHandlers,
  CommandHandlingOptions,
  FailureReply,
  MessageHandler,
  MessageHandlers,
  MessageSchemas,
  Reply,
  SuccessReply,
} from './handlers.js';
export {
  command,
  FAILURE_REPLY,
  isReply,
  observedHandler,
  onCommands,
  onMessages,
  replySchemas,
  SUCCESS_REPLY,
} from './handlers.js';
export type { Inbox } from './inbox.js';
export { createInbox, DEFAULT_INBOX_RETENTION_MS, inboxTableSql } from './inbox.js';
export type { NatsBroker, NatsBrokerOptions } from './nats/broker.js';
export { createNatsBroker } from './nats/broker.js';
export { natsBrokerMigrations } from './nats/schema.js';
export { partitionOf } from './nats/subjects.js';
