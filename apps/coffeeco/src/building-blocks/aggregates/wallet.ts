import { Money } from '../value-objects/money.js';

/** Anything a wallet holds that has a balance (a card, a voucher): an entity defined elsewhere. */
export interface WalletItem {
  /** Throws when the balance cannot be had (the card's issuer does not answer, say). */
  GetBalance(): Money;
}

/**
 * The book's wallet aggregate: `id` is the root's identity, the wallet's; the owner is held by identity only
 * ("we do not need to know all the details of an owner at all times"); its items are reached through it.
 */
export class Wallet {
  readonly #id: string;
  readonly #ownerID: string;
  readonly #currency: string;
  readonly #walletItems: readonly WalletItem[];

  constructor(id: string, ownerID: string, currency: string, walletItems: readonly WalletItem[]) {
    this.#id = id;
    this.#ownerID = ownerID;
    this.#currency = currency;
    this.#walletItems = Object.freeze([...walletItems]);
  }

  ID(): string {
    return this.#id;
  }

  OwnerID(): string {
    return this.#ownerID;
  }

  /**
   * The sum of the items' balances; zero for an empty wallet (the book's sum starts from a nil pointer:
   * Appendix B, B3). "failed to get balance" when an item cannot say, "failed to increment balance" when an
   * item is in another currency.
   */
  GetWalletBalance(): Money {
    let total = Money.Zero(this.#currency);
    for (const item of this.#walletItems) {
      let balance: Money;
      try {
        balance = item.GetBalance();
      } catch (cause) {
        throw new Error('failed to get balance', { cause });
      }
      try {
        total = total.Add(balance);
      } catch (cause) {
        throw new Error('failed to increment balance', { cause });
      }
    }
    return total;
  }
}
