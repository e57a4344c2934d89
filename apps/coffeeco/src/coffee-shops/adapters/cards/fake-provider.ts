import { randomUUID } from 'node:crypto';

/**
 * A card provider that runs in this process, shaped as Stripe's charges API (a charge of an amount in minor
 * units, a card token as its source, an idempotency key per request) and answering Stripe's test tokens as
 * Stripe's test mode does: `tok_visa` and the other card brands succeed, `tok_chargeDeclined…` decline with their
 * codes, an unknown token is no card. CoffeeCo has no real provider (no account, no secret): this is the one
 * `CARD_PROVIDER=fake` chooses, and the tests make it fail on demand.
 *
 * Idempotency as Stripe's: the first answer to a key is kept (a charge, or a decline) and every later request
 * with that key gets it again without charging; reusing a key with other parameters is an error. A request that
 * failed before the provider acted (unreachable) keeps nothing.
 */
export interface ChargeParams {
  /** Minor units. */
  readonly amount: number;
  /** Lower-case ISO 4217, as Stripe writes it. */
  readonly currency: string;
  /** The card token. */
  readonly source: string;
  readonly description?: string;
}

export interface FakeCharge extends ChargeParams {
  readonly id: string;
  readonly status: 'succeeded';
  readonly idempotencyKey: string;
  readonly created: Date;
}

/** A card error, as Stripe's `type: card_error`: the card was refused, nothing was charged. */
export class CardError extends Error {
  readonly type = 'card_error';
  constructor(
    readonly code: string,
    message: string,
    readonly decline_code?: string,
  ) {
    super(message);
    this.name = 'CardError';
  }
}

/** The provider could not be reached: it did nothing. */
export class ProviderConnectionError extends Error {
  constructor() {
    super('could not connect to the card provider');
    this.name = 'ProviderConnectionError';
  }
}

/** No answer in time: the provider may have acted (the dangerous case). */
export class ProviderTimeoutError extends Error {
  constructor() {
    super('the card provider did not answer in time');
    this.name = 'ProviderTimeoutError';
  }
}

/** What the tests make the next requests do. */
export type FakeCardFault =
  /** Fail before reaching the provider: nothing is charged, nothing is kept for the key. */
  | 'failBeforeCharging'
  /** Decline whatever the token (card_declined), and keep that answer for the key. */
  | 'decline'
  /** Charge, then lose the answer: the caller sees a timeout, the charge exists. */
  | 'timeOutAfterCharging';

const SUCCEEDING = new Set([
  'tok_visa',
  'tok_visa_debit',
  'tok_mastercard',
  'tok_mastercard_debit',
  'tok_mastercard_prepaid',
  'tok_amex',
  'tok_discover',
  'tok_diners',
  'tok_jcb',
  'tok_unionpay',
]);

const DECLINED = 'Your card was declined.';
/** Stripe's declining test tokens: [code, message, decline_code]. */
const DECLINING: Record<string, readonly [string, string, string?]> = {
  tok_chargeDeclined: ['card_declined', DECLINED, 'generic_decline'],
  tok_chargeDeclinedInsufficientFunds: [
    'card_declined',
    'Your card has insufficient funds.',
    'insufficient_funds',
  ],
  tok_chargeDeclinedLostCard: ['card_declined', DECLINED, 'lost_card'],
  tok_chargeDeclinedStolenCard: ['card_declined', DECLINED, 'stolen_card'],
  tok_chargeDeclinedFraudulent: ['card_declined', DECLINED, 'fraudulent'],
  tok_chargeDeclinedExpiredCard: ['expired_card', 'Your card has expired.'],
  tok_chargeDeclinedIncorrectCvc: ['incorrect_cvc', "Your card's security code is incorrect."],
  tok_chargeDeclinedProcessingError: [
    'processing_error',
    'An error occurred while processing your card. Try again in a little bit.',
  ],
};

/** The test tokens that decline, each with its own reason (a till's test cards pick among them). */
export const DECLINING_TOKENS: readonly string[] = Object.keys(DECLINING);

type Kept = { readonly params: ChargeParams } & (
  | { readonly charge: FakeCharge }
  | { readonly error: CardError }
);

export class FakeCardProvider {
  readonly #byKey = new Map<string, Kept>();
  readonly #charges: FakeCharge[] = [];
  readonly #faults: FakeCardFault[] = [];

  /** Every charge made, in order. */
  get charges(): readonly FakeCharge[] {
    return this.#charges;
  }

  /** The next `times` requests go wrong this way (after those already asked for). */
  failNext(fault: FakeCardFault, times = 1): void {
    for (let i = 0; i < times; i++) this.#faults.push(fault);
  }

  /** Stripe's `POST /v1/charges` with an `Idempotency-Key`. */
  async createCharge(
    params: ChargeParams,
    { idempotencyKey }: { idempotencyKey: string },
  ): Promise<FakeCharge> {
    // An answer comes back later than the call, as over a network.
    await Promise.resolve();
    const fault = this.#faults.shift();
    if (fault === 'failBeforeCharging') throw new ProviderConnectionError();
    const kept = this.#byKey.get(idempotencyKey) ?? this.#decide(params, idempotencyKey, fault);
    if (!sameParams(kept.params, params)) {
      throw new Error(
        'Keys for idempotent requests can only be used with the same parameters they were first used with',
      );
    }
    if (fault === 'timeOutAfterCharging') throw new ProviderTimeoutError();
    if ('error' in kept) throw kept.error;
    return kept.charge;
  }

  #decide(params: ChargeParams, idempotencyKey: string, fault: FakeCardFault | undefined): Kept {
    const declined = fault === 'decline' ? DECLINING.tok_chargeDeclined : DECLINING[params.source];
    let kept: Kept;
    if (declined) {
      kept = { params, error: new CardError(...declined) };
    } else if (!SUCCEEDING.has(params.source)) {
      kept = { params, error: new CardError('resource_missing', `No such token: '${params.source}'`) };
    } else {
      const charge: FakeCharge = {
        ...params,
        id: `ch_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
        status: 'succeeded',
        idempotencyKey,
        created: new Date(),
      };
      this.#charges.push(charge);
      kept = { params, charge };
    }
    this.#byKey.set(idempotencyKey, kept);
    return kept;
  }
}

const sameParams = (a: ChargeParams, b: ChargeParams) =>
  a.amount === b.amount &&
  a.currency === b.currency &&
  a.source === b.source &&
  a.description === b.description;
