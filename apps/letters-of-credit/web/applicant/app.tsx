import { Alert, Button, Link, LoginForm, matchRoute, Page, usePath, useSession } from '@tessera/web';
import { useState } from 'react';
import { APP, Frame, ShellContext } from '../src/frame.js';
import { lcMessages } from '../src/messages.js';
import { Home } from './home.js';
import { Overview } from './overview.js';
import { BASE } from './paths.js';
import { Register } from './register.js';
import { Start } from './start.js';
import { TaskScreen } from './task.js';

const ROUTES = ['', 'new', 'applications/:id', 'applications/:id/:task'] as const;

/**
 * The importers' page (spec §3.3): log in or register, then "my applications", start a new one, and each
 * section of a draft as a task of its own, then submit. What an application allows is its links' to say.
 */
export function ApplicantApp() {
  const { session, login, logout } = useSession();
  const path = usePath();
  const [registering, setRegistering] = useState(false);
  if (session.state === 'loading') return null;
  if (session.state === 'anonymous') {
    return (
      <Page app={APP} title={registering ? 'Register as an importer' : 'Importers: log in'}>
        {registering ? (
          <Register onRegistered={login} />
        ) : (
          <LoginForm onLogin={login} messages={lcMessages} />
        )}
        <p>
          <Button kind="secondary" onClick={() => setRegistering(!registering)}>
            {registering ? 'I have an account: log in' : 'New here? Register as an importer'}
          </Button>
        </p>
      </Page>
    );
  }
  const account = (
    <>
      <span>{session.who.name ?? session.who.subject}</span>
      <Button kind="secondary" onClick={() => void logout()}>
        Log out
      </Button>
    </>
  );
  const nav = (
    <>
      <Link href={BASE} aria-current={path === BASE ? 'page' : undefined}>
        My applications
      </Link>
      <Link href={`${BASE}new`} aria-current={path === `${BASE}new` ? 'page' : undefined}>
        Start a new application
      </Link>
    </>
  );
  return <ShellContext.Provider value={{ nav, account }}>{screen()}</ShellContext.Provider>;

  function screen() {
    // Importers only: an operator may call every route, but has no applications of their own to draft.
    if (session.state !== 'in' || !session.who.roles.includes('applicant')) {
      return (
        <Frame title="Not an importer's account">
          <Alert>This account is not an importer's: log out, and log in or register as an importer.</Alert>
        </Frame>
      );
    }
    const found = matchRoute(BASE, path, ROUTES);
    switch (found?.route) {
      case '':
        return <Home />;
      case 'new':
        return <Start />;
      case 'applications/:id':
        return <Overview key={path} id={found.params.id as string} />;
      case 'applications/:id/:task':
        return <TaskScreen key={path} id={found.params.id as string} task={found.params.task as string} />;
      default:
        return (
          <Frame title="Not here">
            <Alert>There is no such screen. Go back to your applications.</Alert>
          </Frame>
        );
    }
  }
}
