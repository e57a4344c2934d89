import { describe, expect, it } from 'vitest';
import { providerCardChargeService } from '../../src/coffee-shops/adapters/cards/card-charge-service.js';
import {
  FakeCardProvider,
  ProviderConnectionError,
  ProviderTimeoutError,
} from '../../src/coffee-shops/adapters/cards/fake-provider.js';
import { Money, USD } from '../../src/coffee-shops/domain/money.js';
import { CardDeclined } from '../../src/coffee-shops/domain/purchase-service.js';

const usd = (cents: number) => Money.of(cents, USD);
const newKey = () => crypto.randomUUID();

describe('the fake card provider, through the purchase’s CardChargeService', () => {
  it('charges a succeeding test token once per idempotency key: the same key again answers the first charge', async () => {
    const provider = new FakeCardProvider();
    const cards = providerCardChargeService(provider);
    const key = newKey();
    const first = await cards.ChargeCard(usd(2970), 'tok_visa', key);
    const again = await cards.ChargeCard(usd(2970), 'tok_visa', key);
    expect(again).toEqual(first);
    expect(first.chargeId).toMatch(/^ch_/);
    expect(provider.charges).toHaveLength(1);
    expect(provider.charges[0]).toMatchObject({
      amount: 2970,
      currency: 'usd',
      source: 'tok_visa',
      idempotencyKey: key,
    });
    await cards.ChargeCard(usd(2970), 'tok_mastercard', newKey());
    expect(provider.charges).toHaveLength(2);
  });

  it.each([
    ['tok_chargeDeclined', 'card_declined'],
    ['tok_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ['tok_chargeDeclinedExpiredCard', 'expired_card'],
    ['tok_chargeDeclinedIncorrectCvc', 'incorrect_cvc'],
    ['tok_nonsense', 'invalid_card_token'],
  ])('declines %s with %s and charges nothing, the same again for the same key', async (token, code) => {
    const provider = new FakeCardProvider();
    const cards = providerCardChargeService(provider);
    const key = newKey();
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await cards.ChargeCard(usd(100), token, key).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CardDeclined);
      expect(error).toMatchObject({ code });
    }
    expect(provider.charges).toEqual([]);
  });

  it('fails before charging on demand: nothing charged, nothing kept, so the next try charges', async () => {
    const provider = new FakeCardProvider();
    const cards = providerCardChargeService(provider);
    const key = newKey();
    provider.failNext('failBeforeCharging');
    await expect(cards.ChargeCard(usd(100), 'tok_visa', key)).rejects.toBeInstanceOf(ProviderConnectionError);
    expect(provider.charges).toEqual([]);
    await cards.ChargeCard(usd(100), 'tok_visa', key);
    expect(provider.charges).toHaveLength(1);
  });

  it('times out after charging on demand (the dangerous case): the charge exists, and the retry gets it back', async () => {
    const provider = new FakeCardProvider();
    const cards = providerCardChargeService(provider);
    const key = newKey();
    provider.failNext('timeOutAfterCharging');
    await expect(cards.ChargeCard(usd(100), 'tok_visa', key)).rejects.toBeInstanceOf(ProviderTimeoutError);
    expect(provider.charges).toHaveLength(1);
    const retried = await cards.ChargeCard(usd(100), 'tok_visa', key);
    expect(retried.chargeId).toBe(provider.charges[0]?.id);
    expect(provider.charges).toHaveLength(1);
  });

  it('declines a good card on demand, and keeps that answer for the key', async () => {
    const provider = new FakeCardProvider();
    const cards = providerCardChargeService(provider);
    const key = newKey();
    provider.failNext('decline');
    await expect(cards.ChargeCard(usd(100), 'tok_visa', key)).rejects.toMatchObject({
      code: 'card_declined',
    });
    await expect(cards.ChargeCard(usd(100), 'tok_visa', key)).rejects.toMatchObject({
      code: 'card_declined',
    });
    expect(provider.charges).toEqual([]);
  });

  it('refuses a key reused with other parameters, charging nothing more', async () => {
    const provider = new FakeCardProvider();
    const cards = providerCardChargeService(provider);
    const key = newKey();
    await cards.ChargeCard(usd(100), 'tok_visa', key);
    await expect(cards.ChargeCard(usd(200), 'tok_visa', key)).rejects.toThrow(/same parameters/);
    expect(provider.charges).toHaveLength(1);
  });
});
