import type { LocalCopy, Page, PageRequest } from '@tessera/platform/ddd';
import type { Kind, Recipient, SkipReason, Status } from '../domain/notification.js';

/**
 * What the application needs from the outside world; the adapters implement these.
 */

/** One SMS to send. The provider must accept the same key twice as one message: a retry never sends twice. */
export interface Sms {
  readonly idempotencyKey: string;
  readonly to: string;
  readonly text: string;
}

/** The SMS provider (a fake for now; a real one is another adapter behind this port). */
export interface SmsSender {
  /** Resolves once the provider has accepted the message; throws when it did not (or cannot tell). */
  send(sms: Sms): Promise<void>;
}

/** Customers as Notifications keeps them: a copy fed by Customers' events. */
export type CustomersCache = LocalCopy<Recipient>;

/** Customers itself, for what the cache does not have. Throws when it cannot answer (retried later). */
export interface CustomersDirectory {
  findCustomer(id: string): Promise<Recipient | undefined>;
}

export interface NewNotification {
  /** Stable: derived from the message that caused it, so a message handled twice records one notification. */
  readonly id: string;
  readonly customerId: string;
  readonly orderId: string;
  readonly kind: Kind;
  readonly text: string;
  readonly to?: string;
  readonly skipped?: SkipReason;
}

export interface NotificationView {
  readonly id: string;
  readonly customerId: string;
  readonly orderId: string;
  readonly kind: Kind;
  readonly status: Status;
  readonly to?: string;
  readonly text: string;
  readonly skipReason?: SkipReason;
  /** Attempts to send so far. */
  readonly attempts: number;
  /** The last attempt's failure, while it is retried, and once it has failed for good. */
  readonly failure?: string;
  readonly createdAt: Date;
  readonly sentAt?: Date;
}

/** The notification history: also the queue the dispatcher sends from (a `queued` entry is to be sent). */
export interface NotificationHistory {
  /** Records it (queued, or skipped) and wakes the dispatcher on commit. False when it was already there. */
  record(notification: NewNotification): Promise<boolean>;
  /** A page of the customer's notifications, newest first: the key is [created at, id]. */
  ofCustomer(customerId: string, page: PageRequest): Promise<Page<NotificationView>>;
}
