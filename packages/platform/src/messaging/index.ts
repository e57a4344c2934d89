export type { ChannelContract, MessageContract } from './asyncapi.js';
export { asyncApiDocument } from './asyncapi.js';
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
