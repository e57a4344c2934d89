import { Alert, Button, Link, messageOf, must, preferredLocale } from '@tessera/web';
import { useCallback } from 'react';
import { api } from '../src/api.js';
import { Frame } from '../src/frame.js';
import { type ApplicationItem, formatAmount, formatDate } from '../src/lc.js';
import { lcMessages } from '../src/messages.js';
import { usePagedApplications } from '../src/paged.js';
import { Reminders, Status } from '../src/parts.js';
import { applicationPath, BASE } from './paths.js';

const LIMIT = 20;

function ApplicationsTable(props: {
  caption: string;
  items: readonly ApplicationItem[];
  when: 'started' | 'submitted';
}) {
  return (
    <table className="tw-table">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Reference</th>
          <th scope="col">Status</th>
          <th scope="col">Amount</th>
          <th scope="col">{props.when === 'started' ? 'Started' : 'Submitted'}</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((item) => (
          <tr key={item.id}>
            <td>
              <Link href={applicationPath(item.id)}>{item.clientReference}</Link>
            </td>
            <td>
              <Status status={item.status} /> <Reminders item={item} />
            </td>
            <td>{formatAmount(item.amount)}</td>
            <td>{formatDate(props.when === 'started' ? item.startedAt : item.submittedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "My applications": the caller's drafts (MyDraftLCsQuery, §4.4), then the ones submitted or decided. */
export function Home() {
  const drafts = usePagedApplications(
    useCallback(
      (after) =>
        must(() =>
          api.GET('/letters-of-credit/api/lc-applications/my-drafts', {
            params: { query: { limit: LIMIT, ...(after && { after }) } },
          }),
        ),
      [],
    ),
  );
  const others = usePagedApplications(
    useCallback(
      (after) =>
        must(() =>
          api.GET('/letters-of-credit/api/lc-applications', {
            params: { query: { limit: LIMIT, ...(after && { after }) } },
          }),
        ),
      [],
    ),
  );
  const problem = drafts.problem ?? others.problem;
  const sent = others.items?.filter((item) => item.status !== 'draft');
  return (
    <Frame title="My applications">
      {problem ? <Alert>{messageOf(problem, preferredLocale(), lcMessages)}</Alert> : null}
      <p>
        <Link className="lc-link-button" href={`${BASE}new`}>
          Start a new application
        </Link>
      </p>
      <h2>My drafts</h2>
      {drafts.items === undefined ? (
        <p>Loading…</p>
      ) : drafts.items.length === 0 ? (
        <p>You have no drafts. Start a new application to make one.</p>
      ) : (
        <ApplicationsTable caption="Drafts, newest first" items={drafts.items} when="started" />
      )}
      {drafts.more ? (
        <Button kind="secondary" onClick={() => void drafts.more?.()}>
          More drafts
        </Button>
      ) : null}
      <h2>Submitted and decided</h2>
      {sent === undefined ? (
        <p>Loading…</p>
      ) : sent.length === 0 ? (
        <p>Nothing submitted yet.</p>
      ) : (
        <ApplicationsTable caption="Submitted and decided, newest first" items={sent} when="submitted" />
      )}
      {others.more ? (
        <Button kind="secondary" onClick={() => void others.more?.()}>
          More applications
        </Button>
      ) : null}
    </Frame>
  );
}
