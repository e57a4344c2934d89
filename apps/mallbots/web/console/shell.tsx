import {
  Alert,
  Button,
  Link,
  LoginForm,
  matchRoute,
  Page,
  usePath,
  useSession,
  type Who,
} from '@tessera/web';
import { mallbotsMessages } from '../src/messages.js';
import { businessScreens } from './business/index.js';
import { operationsScreens } from './operations/index.js';
import type { Screen } from './screen.js';

const BASE = '/console/';
const screens: readonly Screen[] = [...businessScreens, ...operationsScreens];

const allowed = (who: Who, screen: Screen) =>
  who.roles.includes('operator') || screen.roles.some((role) => who.roles.includes(role));

function Home(props: { who: Who; mine: readonly Screen[] }) {
  return props.mine.length === 0 ? (
    <Alert kind="info">Your account ({props.who.name ?? props.who.subject}) has no console screens.</Alert>
  ) : (
    <ul className="tw-list">
      {props.mine
        .filter((screen) => screen.nav)
        .map((screen) => (
          <li key={screen.route}>
            <Link href={`${BASE}${screen.route}`}>{screen.title}</Link>
          </li>
        ))}
    </ul>
  );
}

/** The staff's console: a login, then the screens of their roles, one navigation for all (ADR 0037). */
export function Console() {
  const { session, login, logout } = useSession();
  const path = usePath();
  if (session.state === 'loading') return null;
  if (session.state === 'anonymous') {
    return (
      <Page app="MallBots console" title="Staff login">
        <LoginForm onLogin={login} messages={mallbotsMessages} />
      </Page>
    );
  }
  const who = session.who;
  const mine = screens.filter((screen) => allowed(who, screen));
  const found = matchRoute(
    BASE,
    path,
    mine.map((screen) => screen.route),
  );
  const screen = found && mine.find((candidate) => candidate.route === found.route);
  const nav = mine
    .filter((candidate) => candidate.nav)
    .map((candidate) => (
      <Link
        key={candidate.route}
        href={`${BASE}${candidate.route}`}
        aria-current={candidate === screen ? 'page' : undefined}
      >
        {candidate.nav}
      </Link>
    ));
  const account = (
    <>
      <span>{who.name ?? who.subject}</span>
      <Button kind="secondary" onClick={() => void logout()}>
        Log out
      </Button>
    </>
  );
  const onHome = path.replace(/\/+$/, '/') === BASE || path === BASE.slice(0, -1);
  return (
    <Page
      app="MallBots console"
      title={screen?.title ?? (onHome ? 'Console' : 'Not here')}
      nav={nav}
      account={account}
    >
      {screen ? (
        <screen.component params={found.params} who={who} />
      ) : onHome ? (
        <Home who={who} mine={mine} />
      ) : (
        <Alert>There is no such screen, or your account may not see it.</Alert>
      )}
    </Page>
  );
}
