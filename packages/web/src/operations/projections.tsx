import { useRef, useState } from 'react';
import { ApiProblem, must } from '../api.js';
import { useLive } from '../live.js';
import { messageOf, preferredLocale } from '../messages.js';
import { Alert, Button, LiveIndicator, Progress } from '../ui.js';
import { adminApi, type Place, type ProjectionLag, placesWith, useLoaded } from './admin-api.js';
import { Confirm, ProblemAlert, useFrame, when } from './frame.js';
import { type FollowedRebuild, rebuildStanding } from './rebuild-progress.js';

/** Every projection of the system, live: position, lag, and a rebuild with its progress. */
export function Projections() {
  const { topology, options } = useFrame();
  const places = placesWith(topology, 'projections', options.application);
  if (places.length === 0) return <Alert kind="info">No module of this system keeps projections.</Alert>;
  return (
    <>
      {places.map((place) => (
        <ProjectionsOf key={place.base} place={place} titled={places.length > 1} />
      ))}
    </>
  );
}

/** One process's projections, followed live (`<base>/projections/live`, woken by the projectors). */
function ProjectionsOf(props: { place: Place; titled: boolean }) {
  const { place } = props;
  const [live, setLive] = useState<readonly ProjectionLag[]>();
  const [asking, setAsking] = useState<string>();
  // A rebuild this page started, until the stream tells how it goes: its bar shows at once, at 0 %.
  const [started, setStarted] = useState<{ name: string; total: number }>();
  // Followed until the stream shows it over (rebuild-progress.ts).
  const following = useRef<FollowedRebuild>(undefined);
  const [said, setSaid] = useState<{ kind: 'success' | 'error'; text: string }>();
  const listed = useLoaded(
    `projections ${place.base}`,
    async () => (await must(() => adminApi(place.base).GET('/projections'))).projections,
  );
  const state = useLive(`${place.base}/projections/live`, {
    events: ['projections'],
    onEvent: ({ data }) => {
      const projections = (data as { projections: ProjectionLag[] }).projections;
      setLive(projections);
      const rebuild = following.current;
      if (!rebuild) return;
      const standing = rebuildStanding(rebuild, projections);
      // Running, the stream's own bar shows its progress.
      if (standing === 'running') setStarted(undefined);
      if (standing !== 'over') return;
      following.current = undefined;
      setStarted(undefined);
      setSaid({ kind: 'success', text: `Rebuilt ${rebuild.name}: up to date.` });
    },
  });
  const projections = live ?? listed.data;

  const rebuild = async (name: string) => {
    setAsking(undefined);
    const before = projections?.find((p) => p.name === name)?.lastRebuiltAt;
    try {
      following.current = { name, before };
      const started = await must(() =>
        adminApi(place.base).POST('/projections/{name}/rebuild', { params: { path: { name } } }),
      );
      // The stream may have told the whole rebuild already, while the answer was on its way.
      if (following.current?.name !== name) return;
      setStarted({ name, total: started.total });
      setSaid({ kind: 'success', text: `Rebuilding ${name}: ${started.total} events to replay.` });
    } catch (error) {
      following.current = undefined;
      const problem = error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'unreachable' });
      setSaid({ kind: 'error', text: `${name}: ${messageOf(problem, preferredLocale())}` });
    }
  };

  return (
    <section aria-label={props.titled ? `Projections of ${place.label}` : 'Projections'}>
      {props.titled ? <h2>{place.label}</h2> : null}
      <LiveIndicator state={state} />
      {said ? <Alert kind={said.kind}>{said.text}</Alert> : null}
      <ProblemAlert loaded={listed} />
      {asking ? (
        <Confirm
          question={`Rebuild ${asking}?`}
          detail={
            <p>
              Its read model is emptied and its history replayed: what it shows is incomplete until the replay
              ends.
            </p>
          }
          confirm="Rebuild"
          onConfirm={() => void rebuild(asking)}
          onCancel={() => setAsking(undefined)}
        />
      ) : null}
      {projections ? (
        <table className="tw-table">
          <caption>Projections: how far each has read the event store</caption>
          <thead>
            <tr>
              <th scope="col">Projection</th>
              <th scope="col">Position</th>
              <th scope="col">Head</th>
              <th scope="col">Behind</th>
              <th scope="col">State</th>
              <th scope="col">Last rebuilt</th>
              <th scope="col">Rebuild</th>
            </tr>
          </thead>
          <tbody>
            {projections.map((projection) => (
              <tr key={projection.name}>
                <td>{projection.name}</td>
                <td>{projection.position}</td>
                <td>{projection.headPosition}</td>
                <td>{projection.behind}</td>
                <td>
                  {projection.rebuilding && projection.replay ? (
                    <Progress
                      label={`Rebuilding ${projection.name}`}
                      value={projection.replay.replayed}
                      max={projection.replay.total}
                    />
                  ) : started?.name === projection.name ? (
                    <Progress label={`Rebuilding ${projection.name}`} value={0} max={started.total} />
                  ) : projection.behind > 0 ? (
                    `${projection.behind} behind`
                  ) : (
                    'Up to date'
                  )}
                </td>
                <td>{projection.lastRebuiltAt ? when(projection.lastRebuiltAt) : 'Never'}</td>
                <td>
                  <Button
                    kind="secondary"
                    disabled={projection.rebuilding || started?.name === projection.name}
                    aria-label={`Rebuild ${projection.name}`}
                    onClick={() => {
                      setSaid(undefined);
                      setAsking(projection.name);
                    }}
                  >
                    Rebuild
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p role="status">Loading the projections…</p>
      )}
    </section>
  );
}
