import {
  Alert,
  ApiProblem,
  Link,
  LiveIndicator,
  messageOf,
  must,
  preferredLocale,
  useLive,
} from '@tessera/web';
import { useEffect, useState } from 'react';
import { api } from '../src/api.js';
import { Frame } from '../src/frame.js';
import { API, type ApplicationItem, formatAmount, formatTime, type WorkQueue } from '../src/lc.js';
import { lcMessages } from '../src/messages.js';
import { Checks, Reminders } from '../src/parts.js';
import { applicationPath } from './paths.js';

/** A queue longer than this is shown in part, and says so: the desk works it from the oldest. */
const MOST_PAGES = 10;

type Items = ReadonlyMap<string, ApplicationItem>;

const bySubmission = (a: ApplicationItem, b: ApplicationItem) =>
  (a.submittedAt ?? '').localeCompare(b.submittedAt ?? '') || a.id.localeCompare(b.id);

/**
 * A work queue, live (spec §4.5; ADR 0029): read once, then followed from the position the list showed, so
 * an application entering, changing in or leaving the queue shows without a reload, and a reconnect resumes
 * after the last change received: none missed, none shown twice (items are kept by id).
 */
export function Queue(props: { queue: WorkQueue; title: string }) {
  const [items, setItems] = useState<Items>();
  const [position, setPosition] = useState<number>();
  const [rebuilding, setRebuilding] = useState(false);
  const [partial, setPartial] = useState(false);
  const [problem, setProblem] = useState<ApiProblem>();
  useEffect(() => {
    let stopped = false;
    void (async () => {
      try {
        const read = new Map<string, ApplicationItem>();
        let after: string | undefined;
        let first: { position: number; rebuilding: boolean } | undefined;
        let pages = 0;
        do {
          const page = await must(() =>
            api.GET('/letters-of-credit/api/lc-applications/queues/{queue}', {
              params: { path: { queue: props.queue }, query: { limit: 100, ...(after && { after }) } },
            }),
          );
          first ??= page;
          for (const item of page._embedded['lc-applications']) read.set(item.id, item);
          after = page.next;
        } while (after && ++pages < MOST_PAGES);
        if (stopped) return;
        setItems(read);
        setPartial(after !== undefined);
        setRebuilding(first.rebuilding);
        // The first page's position: later pages may show newer rows, and their changes come again, by id.
        setPosition(first.position);
      } catch (error) {
        if (!stopped)
          setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'unreachable' }));
      }
    })();
    return () => {
      stopped = true;
    };
  }, [props.queue]);
  const live = useLive(
    position === undefined ? undefined : `${API}/lc-applications/queues/${props.queue}/live`,
    {
      events: ['in-queue', 'out-of-queue'],
      after: position,
      onEvent: ({ name, data }) => {
        const item = data as ApplicationItem;
        setItems((had) => {
          const next = new Map(had);
          if (name === 'in-queue') next.set(item.id, item);
          else next.delete(item.id);
          return next;
        });
      },
    },
  );
  const sorted = items ? [...items.values()].sort(bySubmission) : undefined;
  return (
    <Frame title={props.title}>
      <p className="tw-row">
        <LiveIndicator state={position === undefined ? 'connecting' : live} />
      </p>
      {problem ? <Alert>{messageOf(problem, preferredLocale(), lcMessages)}</Alert> : null}
      {rebuilding ? (
        <Alert kind="info">This queue is being rebuilt: it may be incomplete for a moment.</Alert>
      ) : null}
      {partial ? <Alert kind="info">Only the oldest applications of a long queue are shown.</Alert> : null}
      {sorted === undefined ? (
        problem ? null : (
          <p>Loading…</p>
        )
      ) : sorted.length === 0 ? (
        <p>No applications in this queue.</p>
      ) : (
        <table className="tw-table">
          <caption>
            {sorted.length === 1 ? '1 application' : `${sorted.length} applications`}, oldest submitted first
          </caption>
          <thead>
            <tr>
              <th scope="col">Reference</th>
              <th scope="col">Amount</th>
              <th scope="col">Submitted</th>
              <th scope="col">Checks</th>
              <th scope="col">Reminders</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((item) => (
              <tr key={item.id}>
                <td>
                  <Link href={applicationPath(item.id)}>{item.clientReference}</Link>
                </td>
                <td>{formatAmount(item.amount)}</td>
                <td>{formatTime(item.submittedAt)}</td>
                <td>
                  <Checks checks={item.checks} />
                </td>
                <td>
                  <Reminders item={item} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Frame>
  );
}
