import { formatMoney } from '@tessera/web';

/** Money as the API writes it (decimal units) in the person's locale. */
export const money = ({ amount, currency }: { amount: number; currency: string }) =>
  formatMoney(Math.round(amount * 100), currency);
