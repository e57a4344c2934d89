import { describe, expect, it } from 'vitest';
import {
  type CardCharger,
  CookieService,
  type CookieStockChecker,
  type EmailSender,
} from '../../src/coffee-shops/domain/cookies.js';

const TOKEN = 'tok_visa';
const EMAIL = 'ada@example.com';

/**
 * The book's TDD example (A.14, chapter 8), its five scenarios one by one. Each mock records its calls in one
 * shared list, so that a test asserts which calls happened and in what order (the book's `gomock.InOrder`), and
 * that nothing else was called.
 */
function cookieShop({
  stock,
  chargeFails = false,
  emailFails = false,
}: {
  stock: number;
  chargeFails?: boolean;
  emailFails?: boolean;
}) {
  const calls: string[] = [];
  const stockChecker: CookieStockChecker = {
    async AmountInStock() {
      calls.push('AmountInStock');
      return stock;
    },
  };
  const cardCharger: CardCharger = {
    async ChargeCard(cardToken, amountInCents) {
      calls.push(`ChargeCard(${cardToken}, ${amountInCents})`);
      if (chargeFails) throw new Error('declined');
    },
  };
  const emailSender: EmailSender = {
    async SendEmailReceipt(emailAddress) {
      calls.push(`SendEmailReceipt(${emailAddress})`);
      if (emailFails) throw new Error('smtp down');
    },
  };
  return { service: new CookieService(emailSender, cardCharger, stockChecker), calls };
}

describe('CookieService.PurchaseCookies (TDD, spec A.14)', () => {
  it('1: five wanted, five in stock: checks the stock, charges 250 cents, then sends the receipt', async () => {
    const { service, calls } = cookieShop({ stock: 5 });
    await service.PurchaseCookies(5, TOKEN, EMAIL);
    expect(calls).toEqual(['AmountInStock', `ChargeCard(${TOKEN}, 250)`, `SendEmailReceipt(${EMAIL})`]);
  });

  it('2: none in stock: says so after checking the stock, and charges nothing', async () => {
    const { service, calls } = cookieShop({ stock: 0 });
    await expect(service.PurchaseCookies(5, TOKEN, EMAIL)).rejects.toThrow('no cookies in stock sorry :(');
    expect(calls).toEqual(['AmountInStock']);
  });

  it('3: the charge fails: the customer is told, and no receipt is sent', async () => {
    const { service, calls } = cookieShop({ stock: 5, chargeFails: true });
    await expect(service.PurchaseCookies(5, TOKEN, EMAIL)).rejects.toThrow(
      'your card was declined, you are banned!',
    );
    expect(calls).toEqual(['AmountInStock', `ChargeCard(${TOKEN}, 250)`]);
  });

  it('4: the receipt fails: the customer is told, after the charge, which stands', async () => {
    const { service, calls } = cookieShop({ stock: 5, emailFails: true });
    await expect(service.PurchaseCookies(5, TOKEN, EMAIL)).rejects.toThrow(
      'we are sorry but the email receipt did not send',
    );
    expect(calls).toEqual(['AmountInStock', `ChargeCard(${TOKEN}, 250)`, `SendEmailReceipt(${EMAIL})`]);
  });

  it('5: five wanted, three in stock: sells the three, charging 150 cents', async () => {
    const { service, calls } = cookieShop({ stock: 3 });
    await service.PurchaseCookies(5, TOKEN, EMAIL);
    expect(calls).toEqual(['AmountInStock', `ChargeCard(${TOKEN}, 150)`, `SendEmailReceipt(${EMAIL})`]);
  });

  it('(ours) nothing, or less than nothing, is no purchase: refused before anything is asked', async () => {
    for (const amount of [0, -2, 1.5]) {
      const { service, calls } = cookieShop({ stock: 5 });
      await expect(service.PurchaseCookies(amount, TOKEN, EMAIL)).rejects.toThrow(
        'you must buy at least one cookie',
      );
      expect(calls).toEqual([]);
    }
  });
});
