import { Alert, LoginForm, Page, useSession } from '@tessera/web';
import { mallbotsMessages } from '../src/messages.js';

/** The customers' kiosk: a first screen (the journey's screens come next). */
export function Kiosk() {
  const { session, login } = useSession();
  return (
    <Page app="MallBots" title="Welcome to the mall" touch>
      {session.state === 'in' ? (
        <Alert kind="info">
          Hello {session.who.name ?? 'there'}: the stores are coming to this kiosk soon.
        </Alert>
      ) : session.state === 'anonymous' ? (
        <LoginForm onLogin={login} messages={mallbotsMessages} />
      ) : null}
    </Page>
  );
}
