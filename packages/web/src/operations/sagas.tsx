import { useState } from 'react';
import { must } from '../api.js';
import { Link } from '../router.js';
import { Alert, Select, StatusBadge } from '../ui.js';
import { adminApi, placesWith, type SagaInstance, type SagaSummary, useLoaded } from './admin-api.js';
import { ProblemAlert, segment, took, useFrame, when } from './frame.js';

const STATUSES = ['running', 'compensating', 'completed', 'compensated', 'failed'] as const;
type Status = (typeof STATUSES)[number];

/** Every saga and process manager instance the system runs, newest first, by status. */
export function SagaList() {
  const { topology, options, href } = useFrame();
  const places = placesWith(topology, 'sagas', options.application);
  const [status, setStatus] = useState<Status | ''>('');
  const instances = useLoaded(`sagas ${status} ${places.map((p) => p.base).join()}`, async () => {
    const pages = await Promise.all(
      places.map(async (place) => {
        const page = await must(() =>
          adminApi(place.base).GET('/sagas', {
            params: { query: { limit: 100, ...(status ? { status } : {}) } },
          }),
        );
        return page.instances.map((instance) => ({ ...instance, base: place.base }));
      }),
    );
    return pages.flat().sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  });
  if (places.length === 0) return <Alert kind="info">No module of this system runs sagas.</Alert>;
  return (
    <>
      <div className="tw-row tw-toolbar">
        <Select
          label="Status"
          value={status}
          onChange={(event) => setStatus(event.target.value as Status | '')}
        >
          <option value="">Any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </div>
      <ProblemAlert loaded={instances} />
      {instances.data ? (
        instances.data.length === 0 ? (
          <p>No instances{status ? ` ${status}` : ''}.</p>
        ) : (
          <table className="tw-table">
            <caption>Instances, newest first (the latest 100 of each module)</caption>
            <thead>
              <tr>
                <th scope="col">Saga</th>
                <th scope="col">Instance</th>
                <th scope="col">Status</th>
                <th scope="col">Step</th>
                <th scope="col">Started</th>
                <th scope="col">Last move</th>
              </tr>
            </thead>
            <tbody>
              {instances.data.map((instance: SagaSummary & { base: string }) => (
                <tr key={`${instance.base} ${instance.saga} ${instance.id}`}>
                  <td>{instance.saga}</td>
                  <td>
                    <Link
                      href={href(
                        `operations/sagas/${segment(instance.base)}/${segment(instance.saga)}/${segment(instance.id)}`,
                      )}
                    >
                      {instance.id}
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={instance.status} />
                  </td>
                  <td>{instance.step}</td>
                  <td>{when(instance.startedAt)}</td>
                  <td>{when(instance.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : (
        <p role="status">Loading the instances…</p>
      )}
    </>
  );
}

type Entry = SagaInstance['history'][number];

/** What one entry of an instance's history means, in words: the step's name is the one its command had. */
function describe(entry: Entry, names: ReadonlyMap<number, string>): { title: string; detail?: string } {
  const d = (entry.detail ?? {}) as Record<string, unknown>;
  const step = entry.step === undefined ? '' : (names.get(entry.step) ?? `step ${entry.step}`);
  switch (entry.event) {
    case 'started':
      return { title: 'Started', ...(typeof d.message === 'string' ? { detail: `by ${d.message}` } : {}) };
    case 'sent':
      return {
        title: `${d.compensation ? 'Compensation' : 'Command'} sent: ${String(d.command)}`,
        detail: `${step}${typeof d.commandId === 'string' ? ` · command ${d.commandId}` : ''}`,
      };
    case 'replied':
      return d.ok
        ? { title: `Reply: success`, detail: step }
        : { title: `Reply: refused (${String(d.code)})`, detail: `${step}: ${String(d.reason)}` };
    case 'timed_out':
      return {
        title: 'Timed out',
        detail: `${step}${typeof d.afterMs === 'number' ? `: no reply within ${took(d.afterMs)}` : ''}`,
      };
    case 'compensating':
      return { title: 'Compensating', detail: `${step}: ${String(d.reason ?? d.code ?? '')}` };
    case 'failed':
      return {
        title: 'Failed while compensating: needs an operator',
        detail: `${step}: ${String(d.reason)}`,
      };
    case 'ignored':
      return { title: 'Ignored', detail: String(d.reason ?? '') };
    case 'deadline':
      return { title: 'Deadline reached', detail: String(d.name ?? '') };
    case 'handled':
      return { title: `Handled ${String(d.message ?? 'a message')}` };
    default:
      return { title: entry.event.charAt(0).toUpperCase() + entry.event.slice(1) };
  }
}

/** One instance with its timeline: each step's command, its reply or timeout, and the compensations. */
export function SagaTimeline(props: { params: Record<string, string> }) {
  const { href } = useFrame();
  const { base = '', saga = '', id = '' } = props.params;
  const instance = useLoaded(
    `saga ${base} ${saga} ${id}`,
    async () =>
      (await must(() => adminApi(base).GET('/sagas/{saga}/{id}', { params: { path: { saga, id } } })))
        .instance,
  );
  if (instance.problem) return <ProblemAlert loaded={instance} />;
  const shown = instance.data;
  if (!shown) return <p role="status">Loading the instance…</p>;
  const names = new Map<number, string>();
  for (const entry of shown.history) {
    const name = (entry.detail as { name?: unknown } | undefined)?.name;
    if (entry.event === 'sent' && entry.step !== undefined && typeof name === 'string')
      names.set(entry.step, name);
  }
  return (
    <>
      <dl className="tw-facts">
        <dt>Saga</dt>
        <dd>{shown.saga}</dd>
        <dt>Instance</dt>
        <dd>{shown.id}</dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={shown.status} />
        </dd>
        <dt>Started</dt>
        <dd>{when(shown.startedAt)}</dd>
        <dt>Last move</dt>
        <dd>{when(shown.updatedAt)}</dd>
        {shown.deadlines.length > 0 ? (
          <>
            <dt>Pending deadlines</dt>
            <dd>{shown.deadlines.join(', ')}</dd>
          </>
        ) : null}
      </dl>
      <p>
        <Link href={href(`operations/flow/${segment(shown.id)}`)}>Messages keyed by {shown.id}</Link>
      </p>
      <h2>Timeline</h2>
      <ol className="tw-timeline" aria-label="Timeline">
        {shown.history.map((entry, index) => {
          const { title, detail } = describe(entry, names);
          return (
            <li key={index} className={`tw-timeline-${entry.event}`}>
              <time dateTime={entry.at}>{when(entry.at)}</time> <strong>{title}</strong>
              {detail ? <span className="tw-hint"> {detail}</span> : null}
            </li>
          );
        })}
      </ol>
      <details>
        <summary>Data</summary>
        <pre className="tw-code">{JSON.stringify(shown.data, null, 2)}</pre>
      </details>
    </>
  );
}
