import type { Change } from '@tessera/platform/ddd';
import { type NewMessage, type Publisher, publishSaveMessages } from '@tessera/platform/messaging';
import type { IntegrationOutbox } from '../../application/ports.js';
import { type IssuanceMessage, LC_CHANNEL } from '../../contract/integration-events.js';
import type * as LC from '../../domain/lc.js';

/** The published language of each issuance; the LC's own shape (its whole terms) stays inside. */
export function toIntegrationMessages({ id, events }: Change<LC.State, LC.Event>): NewMessage[] {
  return events.map((event) => {
    const { lcNumber, lcApplicationId, applicantId, terms, issuedAt } = event.data;
    const message: IssuanceMessage = {
      type: 'issuance.LCIssued',
      data: {
        lcId: id,
        lcNumber,
        lcApplicationId,
        applicantId,
        clientReference: terms.clientReference,
        amountCents: terms.amountCents,
        currency: terms.currency,
        ...(terms.expiryDate === undefined ? {} : { expiryDate: terms.expiryDate }),
        issuedAt,
      },
    };
    return { type: message.type, subject: LC_CHANNEL, key: id, data: message.data };
  });
}

/** Publishes through the broker in the issuing transaction (the outbox): the message exists iff the LC does. */
export const brokerOutbox = (broker: Publisher): IntegrationOutbox => ({
  publish: (change) => publishSaveMessages(broker, 'issuance', toIntegrationMessages(change), change.version),
});
