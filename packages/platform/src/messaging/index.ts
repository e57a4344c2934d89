export type { ChannelContract, MessageContract } from './asyncapi.js';
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
export { defaultBackoff } from './broker.js';
export type { MessageOf } from './contract.js';
export { channelContract } from './contract.js';
export type { EmbeddedBrokerOptions } from './embedded/broker.js';
export { createEmbeddedBroker } from './embedded/broker.js';
export { embeddedBrokerMigrations } from './embedded/schema.js';
export type { Envelope, NewMessage } from './envelope.js';
export { causedBy, derivedId, newEnvelope, PoisonMessageError } from './envelope.js';
export { eventMessage } from './event-message.js';
export type { GroupSubscription } from './groups.js';
export { commandSubscription, subscribeGroups } from './groups.js';
export type {
  CommandHandler,
  CommandHandlers,
  CommandHandlingOptions,
  FailureReply,
  MessageHandler,
  MessageHandlers,
  MessageObserver,
  MessageSchemas,
  MessageVersions,
  Reply,
  SuccessReply,
} from './handlers.js';
export {
  command,
  FAILURE_REPLY,
  isReply,
  messageData,
  observedHandler,
  onCommands,
  onMessages,
  replySchemas,
  SUCCESS_REPLY,
} from './handlers.js';
export type { NatsBroker, NatsBrokerOptions } from './nats/broker.js';
export { createNatsBroker } from './nats/broker.js';
export { natsBrokerMigrations } from './nats/schema.js';
export { publishMessages, publishSaveMessages } from './outbox.js';
export type { Conversation, Flow, FlowHandling, FlowMessage, MessageTrail } from './trail.js';
