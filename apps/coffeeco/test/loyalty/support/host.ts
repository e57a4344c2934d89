import { randomUUID } from 'node:crypto';
import { type Envelope, newEnvelope } from '@tessera/platform/messaging';
import type { Module } from '@tessera/platform/runtime';
import {
  signals,
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import {
  type CoffeeShopsMessage,
  PURCHASE_CHANNEL,
} from '../../../src/coffee-shops/contract/integration-events.js';
import type { FreeDrinksService } from '../../../src/loyalty/contract/free-drinks.js';
import { freeDrinksServiceFor } from '../../../src/loyalty/contract/free-drinks-client.js';
import { cardIdFor, createLoyaltyModule, type LoyaltyModuleOptions } from '../../../src/loyalty/module.js';

type PurchaseCompleted = Extract<CoffeeShopsMessage, { type: 'coffeeshops.PurchaseCompleted' }>['data'];

/** A purchase as the coffee shops publish it: `drinks` coffees at $3.30 each, paid by card, keyed by purchase. */
export function purchaseCompleted(
  overrides: Partial<PurchaseCompleted> & { drinks?: number } = {},
  envelope: { id?: string; key?: string } = {},
): Envelope<PurchaseCompleted> {
  const { drinks = 1, ...data } = overrides;
  const purchase: PurchaseCompleted = {
    purchaseId: randomUUID(),
    storeId: randomUUID(),
    coffeeLoverId: `lover-${randomUUID().slice(0, 8)}`,
    means: 'card',
    products: Array.from({ length: drinks }, () => ({
      itemName: 'Flat white',
      basePrice: { amount: 330, currency: 'USD' },
    })),
    total: { amount: 330 * drinks, currency: 'USD' },
    completedAt: new Date().toISOString(),
    ...data,
  };
  return newEnvelope('coffee-shops', {
    type: 'coffeeshops.PurchaseCompleted',
    subject: PURCHASE_CHANNEL,
    key: envelope.key ?? purchase.purchaseId,
    data: purchase,
    ...(envelope.id === undefined ? {} : { id: envelope.id }),
  });
}

export interface CardDto {
  cardId: string;
  coffeeLoverId: string;
  storeId: string;
  freeDrinksAvailable: number;
  drinksToGo: number;
  issuedAt: string;
}

export interface LoyaltyHost extends TestHost {
  /** The FreeDrinksService as another module of this process finds it (freeDrinksServiceFor). */
  readonly freeDrinks: FreeDrinksService;
  /** Publishes the messages and resolves once Loyalty has committed its handling of each. */
  deliver(...messages: Envelope[]): Promise<void>;
  /** The card of a coffee lover at a store, as the operator reads it; undefined when none was issued. */
  cardOf(coffeeLoverId: string, storeId: string): Promise<CardDto | undefined>;
}

/** Loyalty alone in a host on a fresh database, with a module beside it that asks it as the coffee shops do. */
export async function startLoyaltyHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
  options: Omit<LoyaltyModuleOptions, 'onPurchaseHandled'> = {},
): Promise<LoyaltyHost> {
  const handled = signals<string>();
  let freeDrinks: FreeDrinksService | undefined;
  const asker: Module = {
    name: 'asker',
    description: 'Asks Loyalty as the coffee shops do',
    migrations: [],
    async start(context) {
      freeDrinks = freeDrinksServiceFor({ ...context, caller: 'asker' });
      return {};
    },
  };
  const api = await startTestHost(
    backend,
    [createLoyaltyModule({ ...options, onPurchaseHandled: (message) => handled.push(message.id) }), asker],
    { broker },
  );
  return {
    ...api,
    freeDrinks: freeDrinks!,
    async deliver(...messages) {
      await api.host.broker.publish(messages);
      await handled.until((ids) => messages.every((message) => ids.includes(message.id)));
    },
    async cardOf(coffeeLoverId, storeId) {
      const response = await api.call('GET', `/api/loyalty/cards/${cardIdFor(coffeeLoverId, storeId)}`);
      if (response.statusCode === 404) return undefined;
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ card: CardDto }>().card;
    },
  };
}
