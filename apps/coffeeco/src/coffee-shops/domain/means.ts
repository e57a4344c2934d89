/** How a purchase is paid (the book's `payment.Means`): a value object, one of three words. */
export type Means = 'card' | 'cash' | 'coffeebux';

export const MEANS_CARD: Means = 'card';
export const MEANS_CASH: Means = 'cash';
/** Free drinks from the coffee lover's CoffeeBux loyalty card (Loyalty's). */
export const MEANS_COFFEEBUX: Means = 'coffeebux';

export const MEANS: readonly Means[] = [MEANS_CARD, MEANS_CASH, MEANS_COFFEEBUX];

export const isMeans = (value: unknown): value is Means => MEANS.includes(value as Means);
