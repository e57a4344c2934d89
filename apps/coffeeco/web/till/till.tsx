import { Alert, ApiProblem, Button, hasRole, LoginForm, Page, useSession } from '@tessera/web';
import { useCallback, useEffect, useState } from 'react';
import { api, ask, type Store } from '../src/api.js';
import { coffeecoMessages } from '../src/messages.js';
import { Counter } from './counter.js';
import { StorePicker } from './store-picker.js';

const APP = 'CoffeeCo till';
/** A till stands in one store: it remembers which across reloads and log-ins. */
const STORE_KEY = 'coffeeco.till.store';

/** A touch screen (a kiosk or a tablet at the counter): bigger type and targets (`tw-touch`). */
const isTouchScreen = () => window.matchMedia('(any-pointer: coarse)').matches;

/** The store this till stands in, remembered by id and read afresh (its products and discount may change). */
function useStore() {
  const [store, setStore] = useState<Store>();
  const [remembered, setRemembered] = useState(() => localStorage.getItem(STORE_KEY) ?? undefined);
  const choose = useCallback((chosen: Store | undefined) => {
    if (chosen) localStorage.setItem(STORE_KEY, chosen.id);
    else localStorage.removeItem(STORE_KEY);
    setRemembered(chosen?.id);
    setStore(chosen);
  }, []);
  const reload = useCallback(
    async (storeId: string) => {
      try {
        const { store: found } = await ask<{ store: Store }>(() =>
          api.GET('/coffeeco/api/coffee-shops/stores/{storeId}', { params: { path: { storeId } } }),
        );
        setStore(found);
      } catch (error) {
        // Gone (or never ours): choose again. Anything else: keep the id, the next read may work.
        if (error instanceof ApiProblem && (error.status === 404 || error.status === 400)) choose(undefined);
      }
    },
    [choose],
  );
  return { store, remembered, choose, reload };
}

/** CoffeeCo's till: a barista logs in, chooses the store once, then sells (ADR 0043). */
export function Till() {
  const { session, login, logout } = useSession();
  const [touch] = useState(isTouchScreen);
  const { store, remembered, choose, reload } = useStore();
  const [locked, setLocked] = useState(false);
  const signedIn = session.state === 'in' && hasRole(session, 'barista');
  useEffect(() => {
    if (signedIn && remembered && !store) void reload(remembered);
  }, [signedIn, remembered, store, reload]);

  if (session.state === 'loading') return null;
  if (session.state === 'anonymous') {
    return (
      <Page app={APP} title="Barista login" touch={touch}>
        <LoginForm onLogin={login} messages={coffeecoMessages} />
      </Page>
    );
  }
  const account = (
    <>
      <span>{session.who.name ?? session.who.subject}</span>
      <Button kind="secondary" onClick={() => void logout()} disabled={locked}>
        Log out
      </Button>
    </>
  );
  if (!signedIn) {
    return (
      <Page app={APP} title="Till" account={account} touch={touch}>
        <Alert kind="info">
          This till is for baristas. Your account cannot sell here: log out, and a barista logs in.
        </Alert>
      </Page>
    );
  }
  if (!store) {
    return (
      <Page
        app={APP}
        title={remembered ? 'Opening the till…' : 'Choose your store'}
        account={account}
        touch={touch}
      >
        {remembered ? null : <StorePicker onChoose={choose} />}
      </Page>
    );
  }
  const nav = (
    <Button kind="secondary" onClick={() => choose(undefined)} disabled={locked}>
      Change store
    </Button>
  );
  return (
    <Page app={APP} title={`Till at ${store.location}`} nav={nav} account={account} touch={touch}>
      <Counter store={store} onLocked={setLocked} onSaleDone={() => void reload(store.id)} />
    </Page>
  );
}
