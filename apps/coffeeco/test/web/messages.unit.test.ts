import { describe, expect, it } from 'vitest';
import { providerCardChargeService } from '../../src/coffee-shops/adapters/cards/card-charge-service.js';
import { DECLINING_TOKENS, FakeCardProvider } from '../../src/coffee-shops/adapters/cards/fake-provider.js';
import { Money, USD } from '../../src/coffee-shops/domain/money.js';
import { CardDeclined } from '../../src/coffee-shops/domain/purchase-service.js';
import { coffeecoMessages } from '../../web/src/messages.js';

/** The code a till is told when the provider refuses this token (as the purchase's 402 carries it). */
async function declineCodeOf(token: string): Promise<string> {
  const cards = providerCardChargeService(new FakeCardProvider());
  const refused = await cards.ChargeCard(Money.of(330, USD), token, crypto.randomUUID()).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refused, token).toBeInstanceOf(CardDeclined);
  return (refused as CardDeclined).code;
}

describe("the till's sentences", () => {
  it('say every refusal the card provider gives, and an unknown token, in English and in Spanish', async () => {
    const codes = await Promise.all([...DECLINING_TOKENS, 'tok_nobody_knows'].map(declineCodeOf));
    expect(new Set(codes).size).toBeGreaterThan(5);
    for (const code of codes) {
      expect(coffeecoMessages[code]?.en, code).toMatch(/^[A-Z].*\.$/);
      expect(coffeecoMessages[code]?.es, code).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('say the other refusals of a sale, and the outcomes not known yet, in both languages', () => {
    const codes = [
      'coffeebux_refused',
      'card_provider_unavailable',
      'loyalty_unavailable',
      'purchase_id_taken',
      'unknown_item',
      'coffee_lover_missing',
      'store_not_found',
    ];
    for (const code of codes) {
      const { en, es } = coffeecoMessages[code] ?? {};
      expect(en, code).toMatch(/^[A-Z].*\.$/);
      expect(es, code).toMatch(/^[A-Z].*\.$/);
      expect(es, code).not.toBe(en);
    }
  });
});
