import { useEffect, useRef, useState } from 'react';
import { refreshSession } from './api.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface LiveOptions {
  /** Each event as it arrives: its name, its data parsed, its id (the position resumed after). */
  onEvent: (event: { name: string; data: unknown; id: string }) => void;
  /** The event names to listen to (SSE events with a name are not `message`s). */
  events: readonly string[];
  /** A position the page already has (a list's `position`): the stream starts after it. */
  after?: number;
}

/**
 * Follows a live route (ADR 0029) with the browser's EventSource, which reconnects by itself sending the last
 * event id it received: the server then sends every change after it, none twice. When the connection drops
 * for good (the server said 401/404, or closed while the network was off), a new EventSource resumes after
 * the last id seen, so a reconnect loses nothing however it happens. `url` undefined: not following.
 */
export function useLive(url: string | undefined, options: LiveOptions): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const latest = useRef(options);
  latest.current = options;
  const eventNames = options.events.join(',');
  useEffect(() => {
    if (url === undefined) return;
    let lastId = latest.current.after === undefined ? undefined : String(latest.current.after);
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const open = () => {
      const address = new URL(url, location.href);
      if (lastId !== undefined) address.searchParams.set('lastEventId', lastId);
      const current = new EventSource(address, { withCredentials: true });
      source = current;
      current.onopen = () => setState('live');
      const deliver = (event: MessageEvent<string>) => {
        lastId = event.lastEventId || lastId;
        latest.current.onEvent({ name: event.type, data: JSON.parse(event.data), id: event.lastEventId });
      };
      for (const name of eventNames.split(',')) current.addEventListener(name, deliver);
      current.onerror = () => {
        setState('reconnecting');
        // CLOSED: the browser gave up (an error status, or a failed reconnect); open anew after the last id. The
        // status may be a 401 of an access token that expired: renew the session first (a no-op without one).
        if (current.readyState === EventSource.CLOSED && !stopped) {
          current.close();
          retry = setTimeout(() => void refreshSession().finally(() => stopped || open()), 1_000);
        }
      };
    };
    open();
    const online = () => {
      // Back online: do not wait for the browser's own back-off.
      if (source?.readyState !== EventSource.OPEN && !stopped) {
        source?.close();
        clearTimeout(retry);
        open();
      }
    };
    window.addEventListener('online', online);
    return () => {
      stopped = true;
      clearTimeout(retry);
      window.removeEventListener('online', online);
      source?.close();
    };
  }, [url, eventNames]);
  return state;
}
