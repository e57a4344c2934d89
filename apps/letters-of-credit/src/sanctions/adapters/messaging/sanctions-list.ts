import type { Change } from '@tessera/platform/ddd';
import {
  derivedId,
  type GroupSubscription,
  type NewMessage,
  onMessages,
  type Publisher,
  publishMessages,
  publishSaveMessages,
} from '@tessera/platform/messaging';
import type { SanctionsListOutbox } from '../../application/ports.js';
import type { SanctionsListView, SanctionsQueries } from '../../application/queries.js';
import {
  SANCTIONS_CHANNEL,
  SANCTIONS_LIST_KEY,
  SANCTIONS_REQUESTS_CHANNEL,
  type SanctionsMessage,
  sanctionsRequests,
} from '../../contract/integration-events.js';
import type * as SanctionsList from '../../domain/sanctions-list.js';

/** The group through which Sanctions hears requests for the list. */
export const SANCTIONS_REQUESTS_GROUP = 'sanctions-requests';

/** The list as the published language says it: the whole list at its version. */
export function listMessage({ countries, version, changedAt }: SanctionsListView): NewMessage {
  const message: SanctionsMessage = {
    type: 'sanctions.SanctionsListChanged',
    data: { countries: [...countries], version, changedAt },
  };
  return { type: message.type, subject: SANCTIONS_CHANNEL, key: SANCTIONS_LIST_KEY, data: message.data };
}

/** Each change publishes the new whole list, in its saving transaction (the outbox), once per version. */
export const brokerOutbox = (broker: Publisher): SanctionsListOutbox => ({
  publish: ({ state, version }: Change<SanctionsList.State, SanctionsList.Event>) => {
    if (!state.established) return Promise.resolve();
    const message = listMessage({ countries: state.countries, version, changedAt: state.changedAt });
    return publishSaveMessages(broker, 'sanctions', [message], version);
  },
});

/**
 * A request for the list publishes it as it is now, in the request's handling (its id derived from the
 * request's: a redelivered request publishes nothing new). Before the list is established there is nothing to
 * publish: the establishment publishes it.
 */
export function sanctionsRequestGroups(broker: Publisher, queries: SanctionsQueries): GroupSubscription[] {
  return [
    {
      group: SANCTIONS_REQUESTS_GROUP,
      subject: SANCTIONS_REQUESTS_CHANNEL,
      handle: onMessages(sanctionsRequests, {
        'sanctions.PublishSanctionsList': async (_request, envelope) => {
          const current = await queries.find();
          if (!current) return;
          await publishMessages(broker, 'sanctions', [
            { ...listMessage(current), id: derivedId(envelope.id, 0) },
          ]);
        },
      }),
    },
  ];
}
