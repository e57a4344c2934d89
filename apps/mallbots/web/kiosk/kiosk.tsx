import {
  Alert,
  Button,
  Link,
  LoginForm,
  matchRoute,
  navigate,
  Page,
  usePath,
  useSession,
  type Who,
} from '@tessera/web';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { mallbotsMessages } from '../src/messages.js';
import { BasketScreen, useBasket } from './basket.js';
import { OrderScreen, OrdersScreen, useMyOrders } from './orders.js';
import { money } from './problems.js';
import { RegisterScreen } from './register.js';
import { StoreScreen, StoresScreen } from './stores.js';
import { TextsScreen } from './texts.js';
import { locale, words } from './words.js';

const BASE = '/kiosk/';
const ROUTES = ['', 'stores/:id', 'basket', 'orders', 'orders/:id', 'texts', 'register'] as const;

/** The customers' kiosk (issue 18): log in or register, shop, pay, check out, follow the order live. */
export function Kiosk() {
  const { session, login, logout } = useSession();
  const path = usePath();
  useEffect(() => {
    document.documentElement.lang = locale;
  }, []);
  if (session.state === 'loading') return null;
  const route = matchRoute(BASE, path, ROUTES)?.route;
  if (session.state === 'anonymous') {
    if (route === 'register') {
      return (
        <Page app="MallBots" title={words.registerTitle} touch>
          <RegisterScreen
            onRegistered={async (username, password) => {
              await login(username, password);
              navigate(BASE);
            }}
          />
        </Page>
      );
    }
    return (
      <Page app="MallBots" title={words.welcome} touch>
        <p>{words.signInOrRegister}</p>
        <div className="kiosk-welcome">
          <section aria-labelledby="kiosk-login">
            <h2 id="kiosk-login">{words.haveAccount}</h2>
            <LoginForm onLogin={login} messages={mallbotsMessages} locale={locale} />
          </section>
          <section aria-labelledby="kiosk-new">
            <h2 id="kiosk-new">{words.newHere}</h2>
            <Link className="tw-button tw-secondary kiosk-link-button" href={`${BASE}register`}>
              {words.register}
            </Link>
          </section>
        </div>
      </Page>
    );
  }
  const who = session.who;
  if (!who.roles.includes('customer')) {
    return (
      <Page app="MallBots" title={words.welcome} touch account={<LogOut onLogOut={logout} />}>
        <Alert kind="info">This kiosk is for customers. Staff: use the operations console.</Alert>
      </Page>
    );
  }
  // Keyed by the customer: another customer logging in here starts afresh (basket, live stream).
  return <CustomerKiosk key={who.subject} who={who} path={path} onLogOut={logout} />;
}

function LogOut(props: { onLogOut: () => Promise<void> }) {
  return (
    <Button kind="secondary" onClick={() => void props.onLogOut().then(() => navigate(BASE))}>
      {words.logOut}
    </Button>
  );
}

function CustomerKiosk(props: { who: Who; path: string; onLogOut: () => Promise<void> }) {
  const { who, path } = props;
  const basket = useBasket(who.subject);
  const mine = useMyOrders();
  const [storeName, setStoreName] = useState<string>();
  // A text may follow any change of an order: the texts screen reads again on each.
  const changes = useMemo(
    () => [...mine.orders.values()].reduce((sum, order) => sum + order.position, 0),
    [mine.orders],
  );
  const found = matchRoute(BASE, path, ROUTES);
  const count = basket.basket?.items.reduce((sum, item) => sum + item.quantity, 0) ?? 0;
  const here = (route: string) => (found?.route === route ? ('page' as const) : undefined);

  let title = words.storesTitle;
  let body: ReactNode;
  switch (found?.route) {
    case 'stores/:id':
      title = storeName ?? words.products;
      body = <StoreScreen storeId={found.params.id!} basket={basket} onTitle={setStoreName} />;
      break;
    case 'basket':
      title = words.basketTitle;
      body = <BasketScreen basket={basket} onOrdered={(orderId) => navigate(`${BASE}orders/${orderId}`)} />;
      break;
    case 'orders':
      title = words.ordersTitle;
      body = <OrdersScreen mine={mine} />;
      break;
    case 'orders/:id':
      title = words.orderTitle;
      body = <OrderScreen orderId={found.params.id!} mine={mine} />;
      break;
    case 'texts':
      title = words.messagesTitle;
      body = <TextsScreen customerId={who.subject} changed={changes} />;
      break;
    default:
      body = <StoresScreen />;
  }
  const nav = (
    <>
      <Link href={BASE} aria-current={here('') ?? here('stores/:id')}>
        {words.stores}
      </Link>
      <Link href={`${BASE}basket`} aria-current={here('basket')}>
        {words.basket} ({count}){basket.basket ? ` · ${money(basket.basket.total)}` : ''}
      </Link>
      <Link href={`${BASE}orders`} aria-current={here('orders') ?? here('orders/:id')}>
        {words.orders}
      </Link>
      <Link href={`${BASE}texts`} aria-current={here('texts')}>
        {words.messages}
      </Link>
    </>
  );
  return (
    <Page
      app="MallBots"
      title={title}
      touch
      nav={nav}
      account={
        <>
          <span>{who.name ?? ''}</span>
          <LogOut onLogOut={props.onLogOut} />
        </>
      }
    >
      {body}
    </Page>
  );
}
