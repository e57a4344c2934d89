import { Alert, Button, hasRole, Link, LoginForm, matchRoute, Page, usePath, useSession } from '@tessera/web';
import { operationsScreens } from '@tessera/web/operations';
import { APP, Frame, ShellContext } from '../src/frame.js';
import { QUEUES, type WorkQueue } from '../src/lc.js';
import { lcMessages } from '../src/messages.js';
import { DeskApplication } from './application.js';
import { BASE, queuePath } from './paths.js';
import { Queue } from './queue.js';

const TRADE_FINANCE = 'trade-finance-manager';
/** The platform's operators' screens (ADR 0041), with this application's sagas and projections: operators only. */
const OPERATIONS = operationsScreens({ base: BASE, application: 'letters-of-credit' });
const ROUTES: readonly string[] = [
  '',
  'queues/:queue',
  'applications/:id',
  ...OPERATIONS.map((s) => s.route),
];

/**
 * The trade-finance desk (spec §3.3, §4.5): its work queues, live, and each application with the decisions
 * it offers (approve, decline), as its links say.
 */
export function DeskApp() {
  const { session, login, logout } = useSession();
  const path = usePath();
  if (session.state === 'loading') return null;
  if (session.state === 'anonymous') {
    return (
      <Page app={APP} title="Trade finance: log in">
        <LoginForm onLogin={login} messages={lcMessages} />
      </Page>
    );
  }
  const found = matchRoute(BASE, path, ROUTES);
  const shown: WorkQueue | undefined =
    found?.route === '' ? 'pending-approval' : (found?.params.queue as WorkQueue | undefined);
  const operator = session.who.roles.includes('operator');
  const operations = found && OPERATIONS.find((candidate) => candidate.route === found.route);
  const nav = [
    ...QUEUES.map(({ queue, nav }) => (
      <Link key={queue} href={queuePath(queue)} aria-current={queue === shown ? 'page' : undefined}>
        {nav}
      </Link>
    )),
    ...(operator ? OPERATIONS : []).flatMap((screen) =>
      screen.nav
        ? [
            <Link
              key={screen.route}
              href={`${BASE}${screen.route}`}
              aria-current={screen === operations ? 'page' : undefined}
            >
              {screen.nav}
            </Link>,
          ]
        : [],
    ),
  ];
  const account = (
    <>
      <span>{session.who.name ?? session.who.subject}</span>
      <Button kind="secondary" onClick={() => void logout()}>
        Log out
      </Button>
    </>
  );
  return <ShellContext.Provider value={{ nav, account }}>{screen()}</ShellContext.Provider>;

  function screen() {
    if (operations && found) {
      return operator ? (
        <Frame title={operations.title}>
          <operations.component params={found.params} />
        </Frame>
      ) : (
        <Frame title="Not here">
          <Alert>These screens are for the system's operators.</Alert>
        </Frame>
      );
    }
    if (!hasRole(session, TRADE_FINANCE)) {
      return (
        <Frame title="Not a trade-finance account">
          <Alert>
            This account may not work the trade-finance queues: log out, and log in as trade finance.
          </Alert>
        </Frame>
      );
    }
    const queue = QUEUES.find((candidate) => candidate.queue === shown);
    if (queue) return <Queue key={queue.queue} queue={queue.queue} title={queue.title} />;
    if (found?.route === 'applications/:id') {
      return <DeskApplication key={path} id={found.params.id as string} />;
    }
    return (
      <Frame title="Not here">
        <Alert>There is no such screen. Choose a queue above.</Alert>
      </Frame>
    );
  }
}
