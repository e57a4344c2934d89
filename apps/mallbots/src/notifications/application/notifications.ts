import { type Page, type PageRequest, readThrough } from '@tessera/platform/ddd';
import { destinationOf, type OrderNews, smsText } from '../domain/notification.js';
import type { CustomersCache, CustomersDirectory, NotificationHistory, NotificationView } from './ports.js';

export interface Notifications {
  /**
   * Tells the customer about their order (spec N2, N3): recorded in the history, in the caller's transaction,
   * and queued for the dispatcher; or recorded as skipped when there is no number to send it to. Throws when
   * Customers had to be asked and could not answer, for the message to be retried.
   */
  notify(input: { id: string; customerId: string; news: OrderNews }): Promise<void>;
  /** The customer's notifications, newest first (empty for a customer never notified). */
  historyOf(input: { customerId: string }, page: PageRequest): Promise<Page<NotificationView>>;
}

class UnknownCustomer extends Error {}

export function createNotifications({
  history,
  cache,
  directory,
}: {
  history: NotificationHistory;
  cache: CustomersCache;
  directory: CustomersDirectory;
}): Notifications {
  // Cache first, Customers on a miss (spec N1), through the platform's readThrough.
  const customer = readThrough(cache, {
    fetch: (id) => directory.findCustomer(id),
    missing: () => new UnknownCustomer(),
  });
  const recipientOf = async (id: string) => {
    try {
      return await customer(id);
    } catch (error) {
      if (error instanceof UnknownCustomer) return undefined;
      throw error;
    }
  };

  return {
    async notify({ id, customerId, news }) {
      const recipient = await recipientOf(customerId);
      const destination = destinationOf(recipient);
      await history.record({
        id,
        customerId,
        orderId: news.orderId,
        kind: news.kind,
        text: smsText(news, recipient ?? { id: customerId, name: '', smsNumber: '' }),
        ...destination,
      });
    },

    historyOf: ({ customerId }, page) => history.ofCustomer(customerId, page),
  };
}
