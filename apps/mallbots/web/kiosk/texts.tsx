import { Alert, must } from '@tessera/web';
import { useEffect, useState } from 'react';
import { api, type Notification } from '../src/api.js';
import { sentenceOf } from './problems.js';
import { locale, words } from './words.js';

const when = (at: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));

/**
 * The texts the customer was sent (received, ready with the total, canceled), newest first. Read again when
 * `changed` moves (an order of theirs changed: a text may have followed).
 */
export function TextsScreen(props: { customerId: string; changed: number }) {
  const [state, setState] = useState<{ texts?: readonly Notification[]; error?: string }>({});
  const { customerId, changed } = props;
  useEffect(() => {
    let live = true;
    must(() => api.GET('/api/notifications/customers/{customerId}', { params: { path: { customerId } } }))
      .then(({ notifications }) => live && setState({ texts: notifications }))
      .catch((error: unknown) => live && setState({ error: sentenceOf(error) }));
    return () => {
      live = false;
    };
  }, [customerId, changed]);
  if (state.error) return <Alert>{state.error}</Alert>;
  if (!state.texts) return null;
  const texts = state.texts.filter((text) => text.status !== 'skipped');
  if (texts.length === 0) return <p>{words.noMessages}</p>;
  return (
    <ul className="tw-list">
      {texts.map((text) => (
        <li key={text.id} className="tw-card">
          <p>{text.text}</p>
          <time className="tw-hint" dateTime={text.createdAt}>
            {when(text.createdAt)}
          </time>
        </li>
      ))}
    </ul>
  );
}
