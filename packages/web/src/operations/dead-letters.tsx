import { useState } from 'react';
import { ApiProblem, must } from '../api.js';
import { messageOf, preferredLocale } from '../messages.js';
import { Link } from '../router.js';
import { Alert, Button, Select } from '../ui.js';
import { adminApi, type DeadLetterSummary, messagingPlaces, useLoaded } from './admin-api.js';
import { Confirm, ProblemAlert, segment, useFrame, when } from './frame.js';

type Listed = DeadLetterSummary & { base: string; place: string };

/** What a re-drive is about to do, asked before it is done. */
type Pending =
  | { kind: 'selected'; letters: readonly Listed[] }
  | { kind: 'group'; group: string; count: number }
  | { kind: 'all'; count: number };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const firstLine = (text: string) => text.split('\n')[0] ?? '';

/** A re-drive's outcome, said politely; its failure, said as an alert. */
function useOutcome() {
  const [said, setSaid] = useState<{ kind: 'success' | 'error'; text: string }>();
  return {
    said,
    done: (text: string) => setSaid({ kind: 'success', text }),
    failed: (error: unknown) =>
      setSaid({
        kind: 'error',
        text: messageOf(
          error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'unreachable' }),
          preferredLocale(),
        ),
      }),
    clear: () => setSaid(undefined),
  };
}

/** Dead letters of every process, oldest first: inspect one, re-drive some, a group, or all. */
export function DeadLetterList() {
  const { topology, options, href } = useFrame();
  const places = messagingPlaces(topology, options.application);
  const [group, setGroup] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [pending, setPending] = useState<Pending>();
  const outcome = useOutcome();
  const letters = useLoaded(`dead letters ${group} ${places.map((p) => p.base).join()}`, async () => {
    const pages = await Promise.all(
      places.map(async (place) => {
        const page = await must(() =>
          adminApi(place.base).GET('/messaging/dead-letters', {
            params: { query: { limit: 100, ...(group ? { group } : {}) } },
          }),
        );
        return page.deadLetters.map((letter) => ({ ...letter, base: place.base, place: place.label }));
      }),
    );
    return pages.flat().sort((a, b) => a.deadAt.localeCompare(b.deadAt));
  });
  // The counts of every group with dead letters, from the lag (the list shows at most a page of each).
  const counts = useLoaded(`dead letter counts ${places.map((p) => p.base).join()}`, async () => {
    const lags = await Promise.all(
      places.map(async (place) => ({
        place,
        groups: (await must(() => adminApi(place.base).GET('/messaging/lag'))).groups,
      })),
    );
    return lags.flatMap(({ place, groups }) =>
      groups
        .filter((g) => g.deadLetters > 0)
        .map((g) => ({ base: place.base, group: g.group, count: g.deadLetters })),
    );
  });
  const groups = [...new Set((counts.data ?? []).map((c) => c.group))].sort();
  const total = (counts.data ?? []).reduce((sum, c) => sum + c.count, 0);

  const redrive = async (what: Pending) => {
    setPending(undefined);
    outcome.clear();
    try {
      let moved = 0;
      if (what.kind === 'selected') {
        for (const base of new Set(what.letters.map((l) => l.base))) {
          const ids = what.letters.filter((l) => l.base === base).map((l) => l.id);
          moved += (
            await must(() => adminApi(base).POST('/messaging/dead-letters/redrive', { body: { ids } }))
          ).redriven;
        }
      } else {
        const targets = (counts.data ?? []).filter((c) => what.kind === 'all' || c.group === what.group);
        for (const target of targets) {
          moved += (
            await must(() =>
              adminApi(target.base).POST('/messaging/dead-letters/redrive', {
                body: { group: target.group },
              }),
            )
          ).redriven;
        }
      }
      outcome.done(`Re-driven: ${plural(moved, 'dead letter')} delivered again.`);
    } catch (error) {
      outcome.failed(error);
    }
    setSelected(new Set());
    await Promise.all([letters.reload(), counts.reload()]);
  };

  const chosen = (letters.data ?? []).filter((letter) => selected.has(letter.id));
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      {outcome.said ? <Alert kind={outcome.said.kind}>{outcome.said.text}</Alert> : null}
      <ProblemAlert loaded={letters} />
      <ProblemAlert loaded={counts} />
      <div className="tw-row tw-toolbar">
        <Select label="Consumer group" value={group} onChange={(event) => setGroup(event.target.value)}>
          <option value="">Every group</option>
          {groups.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </Select>
        <Button
          kind="secondary"
          disabled={chosen.length === 0}
          onClick={() => setPending({ kind: 'selected', letters: chosen })}
        >
          Re-drive selected ({chosen.length})
        </Button>
        <Button
          kind="secondary"
          disabled={!group}
          onClick={() =>
            setPending({
              kind: 'group',
              group,
              count: (counts.data ?? []).filter((c) => c.group === group).reduce((s, c) => s + c.count, 0),
            })
          }
        >
          Re-drive this group
        </Button>
        <Button
          kind="secondary"
          disabled={total === 0}
          onClick={() => setPending({ kind: 'all', count: total })}
        >
          Re-drive all ({total})
        </Button>
      </div>
      {pending ? (
        <Confirm
          question={
            pending.kind === 'selected'
              ? `Re-drive ${plural(pending.letters.length, 'dead letter')}?`
              : pending.kind === 'group'
                ? `Re-drive every dead letter of ${pending.group} (${pending.count})?`
                : `Re-drive every dead letter (${pending.count})?`
          }
          detail={<p>Each goes back to its consumer group, its attempts counted again from 1.</p>}
          confirm="Re-drive"
          onConfirm={() => void redrive(pending)}
          onCancel={() => setPending(undefined)}
        />
      ) : null}
      {letters.data ? (
        letters.data.length === 0 ? (
          <p>No dead letters{group ? ` in ${group}` : ''}.</p>
        ) : (
          <table className="tw-table">
            <caption>Dead letters, the oldest first (the oldest 100 of each process)</caption>
            <thead>
              <tr>
                <th scope="col">Select</th>
                <th scope="col">Group</th>
                <th scope="col">Message</th>
                <th scope="col">Reason</th>
                <th scope="col">Attempts</th>
                <th scope="col">Dead since</th>
              </tr>
            </thead>
            <tbody>
              {letters.data.map((letter) => (
                <tr key={`${letter.base} ${letter.id}`}>
                  <td>
                    <input
                      type="checkbox"
                      className="tw-check"
                      aria-label={`Select ${letter.type || letter.messageId} in ${letter.group}`}
                      checked={selected.has(letter.id)}
                      onChange={() => toggle(letter.id)}
                    />
                  </td>
                  <td>{letter.group}</td>
                  <td>
                    <Link href={href(`operations/dead-letters/${segment(letter.base)}/${letter.id}`)}>
                      {letter.type || '(unreadable message)'}
                    </Link>
                  </td>
                  <td>{firstLine(letter.reason)}</td>
                  <td>{letter.attempts}</td>
                  <td>{when(letter.deadAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : (
        <p role="status">Loading the dead letters…</p>
      )}
    </>
  );
}

const correlationOf = (envelope: unknown) => {
  const id =
    typeof envelope === 'object' && envelope !== null
      ? (envelope as { correlationId?: unknown }).correlationId
      : undefined;
  return typeof id === 'string' ? id : undefined;
};

/** One dead letter: the message as stored, the error, the attempts; re-drive it. */
export function DeadLetterDetail(props: { params: Record<string, string> }) {
  const { href } = useFrame();
  const { base = '', id = '' } = props.params;
  const [asking, setAsking] = useState(false);
  const outcome = useOutcome();
  const letter = useLoaded(
    `dead letter ${base} ${id}`,
    async () =>
      (await must(() => adminApi(base).GET('/messaging/dead-letters/{id}', { params: { path: { id } } })))
        .deadLetter,
  );
  const redrive = async () => {
    setAsking(false);
    try {
      const { redriven } = await must(() =>
        adminApi(base).POST('/messaging/dead-letters/redrive', { body: { ids: [id] } }),
      );
      outcome.done(
        redriven === 1
          ? `Re-driven: delivered again to ${letter.data?.group ?? 'its group'}.`
          : 'It was re-driven already.',
      );
    } catch (error) {
      outcome.failed(error);
    }
  };
  if (outcome.said) {
    return (
      <>
        <Alert kind={outcome.said.kind}>{outcome.said.text}</Alert>
        <Link href={href('operations/dead-letters')}>Back to the dead letters</Link>
      </>
    );
  }
  if (letter.problem) {
    return letter.problem.status === 404 ? (
      <Alert kind="info">
        This dead letter is gone: it was re-driven.{' '}
        <Link href={href('operations/dead-letters')}>The dead letters</Link>
      </Alert>
    ) : (
      <ProblemAlert loaded={letter} />
    );
  }
  const shown = letter.data;
  if (!shown) return <p role="status">Loading the dead letter…</p>;
  const correlation = correlationOf(shown.envelope);
  return (
    <>
      <dl className="tw-facts">
        <dt>Consumer group</dt>
        <dd>{shown.group}</dd>
        <dt>Message</dt>
        <dd>
          {shown.type || '(unreadable)'} <span className="tw-hint">{shown.messageId}</span>
        </dd>
        <dt>Channel</dt>
        <dd>{shown.subject}</dd>
        <dt>Attempts</dt>
        <dd>{shown.attempts === 0 ? '0 (refused before its handler ran)' : shown.attempts}</dd>
        <dt>Dead since</dt>
        <dd>{when(shown.deadAt)}</dd>
      </dl>
      <h2>Error</h2>
      <pre className="tw-code">{shown.reason}</pre>
      <div className="tw-row">
        <Button kind="danger" onClick={() => setAsking(true)}>
          Re-drive
        </Button>
        {correlation ? (
          <Link href={href(`operations/flow/${segment(correlation)}`)}>Its conversation’s message flow</Link>
        ) : null}
      </div>
      {asking ? (
        <Confirm
          question={`Re-drive this ${shown.type || 'message'} to ${shown.group}?`}
          detail={<p>It is delivered to its consumer group again, its attempts counted from 1.</p>}
          confirm="Re-drive"
          onConfirm={() => void redrive()}
          onCancel={() => setAsking(false)}
        />
      ) : null}
      <h2>Message</h2>
      <pre className="tw-code">{JSON.stringify(shown.envelope, null, 2)}</pre>
    </>
  );
}
