import { Alert, Button, Field, Link, must, navigate } from '@tessera/web';
import { type FormEvent, useState } from 'react';
import { useAction } from '../src/action.js';
import { api } from '../src/api.js';
import { Frame } from '../src/frame.js';
import { applicationPath, BASE } from './paths.js';

/**
 * The bank's rule, repeated here for the person's sake (spec §3.2, §3.3: Start is disabled while the
 * reference is shorter): the server checks it again, and says so next to the field if it disagrees.
 */
const REFERENCE_MIN_LENGTH = 4;

/** Start LC (spec §3.3): a friendly reference, then the new draft's own screen. */
export function Start() {
  const [reference, setReference] = useState('');
  const action = useAction(['clientReference']);
  const ready = reference.trim().length >= REFERENCE_MIN_LENGTH;
  const start = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    let id: string | undefined;
    await action.run(async () => {
      ({ id } = await must(() =>
        api.POST('/letters-of-credit/api/lc-applications/start-new', {
          body: { clientReference: reference },
        }),
      ));
    });
    if (id) navigate(applicationPath(id));
  };
  return (
    <Frame title="Start a new application">
      <form className="tw-form" aria-label="Start a new application" noValidate onSubmit={start}>
        {action.sentence ? <Alert>{action.sentence}</Alert> : null}
        <p>Start by choosing an easy to remember reference for your new LC!</p>
        <Field
          label="Reference"
          hint={`At least ${REFERENCE_MIN_LENGTH} characters`}
          placeholder="Enter a friendly name!"
          required
          value={reference}
          error={action.fieldError('clientReference')}
          onChange={(event) => setReference(event.target.value)}
        />
        <div className="lc-actions">
          <Button type="submit" disabled={!ready} busy={action.busy}>
            Start
          </Button>
          <Link href={BASE}>Cancel</Link>
        </div>
      </form>
    </Frame>
  );
}
