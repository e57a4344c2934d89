/**
 * What Notifications tells a customer, and in which words. Pure: no I/O; the application decides when.
 */

export const KINDS = ['order_created', 'order_ready', 'order_canceled'] as const;
export type Kind = (typeof KINDS)[number];

/**
 * queued: recorded, waiting to be sent (or retried); sent: the provider accepted it; failed: every attempt
 * failed (the last reason is kept); skipped: nothing to send it to (no SMS number, or an unknown customer).
 */
export const STATUSES = ['queued', 'sent', 'failed', 'skipped'] as const;
export type Status = (typeof STATUSES)[number];

/** Why a notification was not sent at all. */
export type SkipReason = 'no_sms_number' | 'customer_unknown';

/** The customer as Notifications knows them (its cache of Customers' data). */
export interface Recipient {
  readonly id: string;
  readonly name: string;
  /** Empty when the customer has none. */
  readonly smsNumber: string;
}

/** What happened to an order that the customer hears about, with what each message needs. */
export type OrderNews =
  | { readonly kind: 'order_created'; readonly orderId: string }
  | {
      readonly kind: 'order_ready';
      readonly orderId: string;
      /** What the customer pays at pickup (the unavailable lines are not charged). */
      readonly totalCents: number;
      readonly unavailableItems: number;
    }
  | {
      readonly kind: 'order_canceled';
      readonly orderId: string;
      readonly canceledBy: 'customer' | 'staff';
      readonly reason?: string;
    };

/** The order as a customer recognises it on a receipt: the first 8 characters of its id. */
export const orderReference = (orderId: string) => orderId.slice(0, 8).toUpperCase();

/** Whole cents as dollars and cents, without floating point: 1234 → "$12.34". */
export const dollars = (cents: number) =>
  `$${Math.trunc(cents / 100)}.${String(Math.abs(cents % 100)).padStart(2, '0')}`;

const greeting = (recipient: Recipient) => (recipient.name.trim() ? `Hi ${recipient.name.trim()}, ` : 'Hi, ');

/** The SMS text for `news`, addressed to `recipient`. */
export function smsText(news: OrderNews, recipient: Recipient): string {
  const order = `order ${orderReference(news.orderId)}`;
  switch (news.kind) {
    case 'order_created':
      return `${greeting(recipient)}we received your ${order}. We will text you when it is ready for pickup.`;
    case 'order_ready': {
      const missing =
        news.unavailableItems === 0
          ? ''
          : ` ${news.unavailableItems} ${news.unavailableItems === 1 ? 'item' : 'items'} could not be found and ${news.unavailableItems === 1 ? 'is' : 'are'} not charged.`;
      return `${greeting(recipient)}your ${order} is ready for pickup at the depot. Total to pay: ${dollars(news.totalCents)}.${missing}`;
    }
    case 'order_canceled':
      if (news.canceledBy === 'staff') {
        const reason = news.reason?.trim();
        return `${greeting(recipient)}your ${order} was canceled by the depot staff${reason ? `: ${reason}` : ''}.`;
      }
      return `${greeting(recipient)}your ${order} was canceled.`;
  }
}

/** Where the notification goes, or why it goes nowhere. */
export function destinationOf(
  recipient: Recipient | undefined,
): { readonly to: string } | { readonly skipped: SkipReason } {
  if (!recipient) return { skipped: 'customer_unknown' };
  const to = recipient.smsNumber.trim();
  return to ? { to } : { skipped: 'no_sms_number' };
}
