import { LiveIndicator, type LiveState, useLive } from '@tessera/web';
import { useEffect, useState } from 'react';
import { type CoffeeBuxCard, liveCardUrl } from '../src/api.js';

/** Ten stamps earn a free drink (Loyalty's rule; the card says how many drinks are to go). */
export const STAMPS_PER_FREE_DRINK = 10;

export interface FollowedCard {
  /** Undefined until the card is known: a coffee lover with no card here yet has none until their first stamp. */
  readonly card: (CoffeeBuxCard & { readonly version: number }) | undefined;
  readonly live: LiveState;
}

/**
 * The coffee lover's card at the store, followed live: Loyalty stamps it when the purchase's event reaches it,
 * a moment after the sale's answer, and the stream brings that change without a reload. Each change is applied
 * by its version (the event id), so a resumed stream never takes the card back to an older balance.
 */
export function useLoyaltyCard(coffeeLoverId: string | undefined, storeId: string): FollowedCard {
  const url = coffeeLoverId === undefined ? undefined : liveCardUrl(coffeeLoverId, storeId);
  const [card, setCard] = useState<FollowedCard['card']>();
  useEffect(() => setCard(undefined), [url]);
  const live = useLive(url, {
    events: ['card'],
    onEvent: ({ data, id }) => {
      const version = Number(id);
      const changed = data as CoffeeBuxCard;
      if (changed.coffeeLoverId !== coffeeLoverId) return;
      setCard((shown) => (shown && shown.version >= version ? shown : { ...changed, version }));
    },
  });
  return { card, live };
}

/** The card as the customer sees it at the counter: its stamps out of ten, and its free drinks. */
export function LoyaltyCard(props: FollowedCard) {
  const { card, live } = props;
  const stamps = card ? STAMPS_PER_FREE_DRINK - card.drinksToGo : 0;
  return (
    <section className="tw-card till-loyalty" aria-labelledby="till-loyalty-heading">
      <div className="till-loyalty-head">
        <h3 id="till-loyalty-heading">CoffeeBux card</h3>
        <LiveIndicator state={live} />
      </div>
      {card ? (
        <>
          <p className="till-stamps-text">
            <strong>
              {stamps} of {STAMPS_PER_FREE_DRINK} stamps
            </strong>
            : {card.drinksToGo} more {card.drinksToGo === 1 ? 'drink' : 'drinks'} for a free one
          </p>
          <ol className="till-stamps" aria-hidden="true">
            {Array.from({ length: STAMPS_PER_FREE_DRINK }, (_, index) => (
              <li key={index} className={index < stamps ? 'till-stamp till-stamp-on' : 'till-stamp'} />
            ))}
          </ol>
          <p className="till-free">
            Free drinks: <strong>{card.freeDrinksAvailable}</strong>
          </p>
        </>
      ) : (
        <p>No card at this store yet: the first drink bought with money issues it, with its first stamp.</p>
      )}
    </section>
  );
}
