import { createContext, type ReactNode, useContext, useEffect, useRef } from 'react';
import { must } from '../api.js';
import { messageOf, preferredLocale } from '../messages.js';
import { Alert, Button } from '../ui.js';
import { adminApi, type Loaded, type Topology, unavailable, useLoaded } from './admin-api.js';

/** What the operations screens are told by the page that mounts them. */
export interface OperationsOptions {
  /** The page's path the screens' routes are under (`/console/`). */
  readonly base: string;
  /** Only this application's sagas and projections (a page of one application); all when absent. */
  readonly application?: string;
}

interface Frame {
  readonly options: OperationsOptions;
  readonly topology: Topology;
  /** The page path of one of the screens (`operations/sagas`). */
  readonly href: (route: string) => string;
}

const FrameContext = createContext<Frame | undefined>(undefined);

export function useFrame(): Frame {
  const frame = useContext(FrameContext);
  if (!frame) throw new Error('an operations screen outside its frame');
  return frame;
}

/** A screen's part of the path: one segment, whatever it holds (a base has slashes). */
export const segment = (text: string) => encodeURIComponent(text);

/**
 * The frame of every operations screen: it finds the system's processes first (`/admin/topology`, ADR 0041),
 * says which cannot be reached, and gives the screens where to ask.
 */
export function OperationsFrame(props: { options: OperationsOptions; children: ReactNode }) {
  const topology = useLoaded('topology', () => must(() => adminApi('/admin').GET('/topology')));
  if (topology.problem) return <ProblemAlert loaded={topology} />;
  if (!topology.data) return <p role="status">Finding the system’s processes…</p>;
  const away = unavailable(topology.data);
  const frame: Frame = {
    options: props.options,
    topology: topology.data,
    href: (route) => `${props.options.base}${route}`,
  };
  return (
    <FrameContext.Provider value={frame}>
      {away.length > 0 ? (
        <Alert kind="info">Not answering now, so not shown: {away.join(', ')}.</Alert>
      ) : null}
      {props.children}
    </FrameContext.Provider>
  );
}

/** A failed read, said as a sentence, with a way to try again. */
export function ProblemAlert(props: { loaded: Pick<Loaded<unknown>, 'problem' | 'reload'> }) {
  if (!props.loaded.problem) return null;
  return (
    <Alert>
      {messageOf(props.loaded.problem, preferredLocale())}{' '}
      <Button kind="secondary" onClick={() => void props.loaded.reload()}>
        Try again
      </Button>
    </Alert>
  );
}

/**
 * Asks before a change that cannot be taken back (a re-drive, a rebuild): a modal dialog, its question as
 * its name, focus on the safe choice, Escape to cancel.
 */
export function Confirm(props: {
  question: string;
  detail?: ReactNode;
  confirm: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const shown = dialog.current;
    if (shown && !shown.open) shown.showModal();
    return () => shown?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="tw-card tw-dialog"
      aria-labelledby="tw-confirm-question"
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <p id="tw-confirm-question">
        <strong>{props.question}</strong>
      </p>
      {props.detail}
      <div className="tw-row">
        <Button kind="secondary" autoFocus onClick={props.onCancel}>
          Cancel
        </Button>
        <Button kind="danger" onClick={props.onConfirm}>
          {props.confirm}
        </Button>
      </div>
    </dialog>
  );
}

/** A time as operators read it: the date and the time to the second, in their own zone. */
export const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

/** A duration as operators read it: 850 ms, 12 s, 3 min. */
export const took = (ms: number) =>
  ms < 1_000
    ? `${Math.round(ms)} ms`
    : ms < 120_000
      ? `${Math.round(ms / 1_000)} s`
      : `${Math.round(ms / 60_000)} min`;
