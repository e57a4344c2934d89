import { derivedId, type NewMessage } from './envelope.js';

/**
 * The message that tells the outside what a recorded event means, on `route`: its id derives from the
 * event's, so that, the event being appended once, the message is too, whatever is retried.
 */
export function eventMessage(
  event: { readonly id: string },
  message: { readonly type: string; readonly data: unknown },
  route: { readonly subject: string; readonly key: string },
): NewMessage {
  return {
    id: derivedId(event.id, 0),
    type: message.type,
    subject: route.subject,
    key: route.key,
    data: message.data,
  };
}
