import { Alert, Button, Link } from '@tessera/web';
import type { FormEvent, ReactNode } from 'react';
import type { Action } from '../src/action.js';
import type { Application, DraftTask } from '../src/lc.js';
import { titleOf } from '../src/lc.js';
import { applicationPath } from './paths.js';

export interface TaskProps {
  readonly application: Application;
  /** The task was done: back to the application, which says so. */
  readonly onDone: () => void;
}

/** A task's form: the problem above it, its fields, Save and the way back. */
export function TaskForm(props: {
  application: Application;
  task: DraftTask;
  action: Action;
  onSubmit: () => Promise<unknown>;
  children: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void props.onSubmit();
  };
  return (
    <form
      className="tw-form"
      aria-label={titleOf(props.application, props.task, 'Change')}
      noValidate
      onSubmit={submit}
    >
      {props.action.sentence ? <Alert>{props.action.sentence}</Alert> : null}
      {props.children}
      <div className="lc-actions">
        <Button type="submit" busy={props.action.busy}>
          Save
        </Button>
        <Link href={applicationPath(props.application.id)}>Back to the application</Link>
      </div>
    </form>
  );
}
