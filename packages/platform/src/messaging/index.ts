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
