/**
 * The book's test-driven development example (ch. 8, A.14): a coffee shop also sells cookies. Written test
 * first (test/coffee-shops/cookies.unit.test.ts: the five scenarios, with the calls each expects, in order), and
 * no more code than they need. It stands beside the purchases as the book's teaching example, not as a second
 * way to buy: it has no store, no purchase id and no exactly-once payment.
 */

export interface EmailSender {
  SendEmailReceipt(emailAddress: string): Promise<void>;
}

export interface CardCharger {
  ChargeCard(cardToken: string, amountInCents: number): Promise<void>;
}

export interface CookieStockChecker {
  AmountInStock(): Promise<number>;
}

/** Cents: the book's price of a cookie. */
export const PRICE_OF_COOKIE = 50;

export class CookieService {
  constructor(
    private readonly emailSender: EmailSender,
    private readonly cardCharger: CardCharger,
    private readonly stockChecker: CookieStockChecker,
  ) {}

  /**
   * Sells what is in stock, up to the amount asked: charges the card, then sends the receipt. A receipt that
   * does not go out is reported, but the sale stands: the card was charged.
   */
  async PurchaseCookies(amountOfCookiesToPurchase: number, cardToken: string, email: string): Promise<void> {
    if (!Number.isInteger(amountOfCookiesToPurchase) || amountOfCookiesToPurchase < 1) {
      throw new Error('you must buy at least one cookie');
    }
    const inStock = await this.stockChecker.AmountInStock();
    if (inStock === 0) throw new Error('no cookies in stock sorry :(');
    const amount = Math.min(amountOfCookiesToPurchase, inStock);
    try {
      await this.cardCharger.ChargeCard(cardToken, PRICE_OF_COOKIE * amount);
    } catch (error) {
      throw new Error('your card was declined, you are banned!', { cause: error });
    }
    try {
      await this.emailSender.SendEmailReceipt(email);
    } catch (error) {
      throw new Error('we are sorry but the email receipt did not send', { cause: error });
    }
  }
}
