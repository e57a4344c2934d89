import { useEffect, useState } from 'react';
import { must } from '../api.js';
import { Link } from '../router.js';
import { adminApi, messagingPlaces, useLoaded } from './admin-api.js';
import { ProblemAlert, took, useFrame } from './frame.js';

/**
 * How often the lag is read again. The lag is counters computed on request (the embedded broker's pending
 * deliveries, JetStream's consumer info): no log of their changes exists to follow live, so a short refresh it
 * is, and only while the page is in view (ADR 0041).
 */
export const LAG_REFRESH_MS = 2_000;

/** Each consumer group's backlog, in every process, read again every two seconds. */
export function ConsumerLag() {
  const { topology, options, href } = useFrame();
  const places = messagingPlaces(topology, options.application);
  const [readAt, setReadAt] = useState<Date>();
  const lags = useLoaded(`lag ${places.map((p) => p.base).join()}`, async () => {
    const answers = await Promise.all(
      places.map(async (place) => ({
        place,
        groups: (await must(() => adminApi(place.base).GET('/messaging/lag'))).groups,
      })),
    );
    setReadAt(new Date());
    return answers;
  });
  const { reload } = lags;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, LAG_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <>
      <ProblemAlert loaded={lags} />
      <p className="tw-hint">
        Read every {LAG_REFRESH_MS / 1000} seconds{readAt ? `; last at ${readAt.toLocaleTimeString()}` : ''}.
      </p>
      {lags.data ? (
        lags.data.map(({ place, groups }) => (
          <table className="tw-table" key={place.base}>
            <caption>{places.length > 1 ? `Consumer groups of ${place.label}` : 'Consumer groups'}</caption>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Waiting</th>
                <th scope="col">Oldest waiting for</th>
                <th scope="col">Dead letters</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((group) => (
                <tr key={group.group}>
                  <td>{group.group}</td>
                  <td>{group.pending}</td>
                  <td>{group.oldestPendingMs === undefined ? '—' : took(group.oldestPendingMs)}</td>
                  <td>
                    {group.deadLetters > 0 ? (
                      <Link href={href('operations/dead-letters')}>{group.deadLetters}</Link>
                    ) : (
                      0
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))
      ) : (
        <p role="status">Reading the lag…</p>
      )}
    </>
  );
}
