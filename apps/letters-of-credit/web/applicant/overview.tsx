import { Alert, Button, Link, LiveIndicator, messageOf, must, preferredLocale } from '@tessera/web';
import { useState } from 'react';
import { useAction } from '../src/action.js';
import { api } from '../src/api.js';
import { useApplication } from '../src/application.js';
import { Frame } from '../src/frame.js';
import { DRAFT_TASKS, formatTime, offers, titleOf } from '../src/lc.js';
import { lcMessages } from '../src/messages.js';
import { Reminders, Status } from '../src/parts.js';
import { useProducts } from '../src/products.js';
import { sectionText } from '../src/sections.js';
import { applicationPath, BASE } from './paths.js';

/** Where a problem of submit or cancel is shown: next to the section it names. */
const SECTION_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'change-amount': ['amount'],
  'change-merchandise': ['merchandise'],
  'change-beneficiary': ['beneficiary.address.country'],
};

/**
 * One application: each section with what it holds and, when the application offers it now, the link to its
 * task; submit and cancel as the application offers them. Followed live: the checks, the reminders and the
 * decision appear as they happen.
 */
export function Overview(props: { id: string }) {
  const { application, problem, reload, live } = useApplication(props.id, { live: true });
  const { nameOf } = useProducts();
  const action = useAction(Object.values(SECTION_FIELDS).flat());
  const [done, setDone] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const saved = new URLSearchParams(location.search).get('saved');
  if (!application) {
    return (
      <Frame title="LC application">
        {problem ? <Alert>{messageOf(problem, preferredLocale(), lcMessages)}</Alert> : <p>Loading…</p>}
        <Link href={BASE}>Back to my applications</Link>
      </Frame>
    );
  }
  const path = { params: { path: { id: props.id } } };
  const submit = async () => {
    const submitted = await action.run(() =>
      must(() => api.POST('/letters-of-credit/api/lc-applications/{id}/submit', path)),
    );
    if (submitted) setDone('Submitted: the bank checks it now, and decides.');
    await reload();
  };
  const cancel = async () => {
    setConfirming(false);
    const canceled = await action.run(() =>
      must(() => api.POST('/letters-of-credit/api/lc-applications/{id}/cancel', path)),
    );
    if (canceled) setDone('Canceled.');
    await reload();
  };
  const savedSection = DRAFT_TASKS.find((task) => task.rel === saved)?.section;
  return (
    <Frame title={`LC application ${application.clientReference}`}>
      <p className="tw-row">
        <Status status={application.status} />
        <Reminders item={application} />
        {application.submittedAt ? <span>Submitted {formatTime(application.submittedAt)}</span> : null}
        <LiveIndicator state={live} />
      </p>
      {done ? (
        <Alert kind="success">{done}</Alert>
      ) : savedSection ? (
        <Alert kind="success">Saved: {savedSection}.</Alert>
      ) : null}
      {action.sentence ? <Alert>{action.sentence}</Alert> : null}
      <div className="lc-sections">
        {DRAFT_TASKS.map(({ rel, section }) => {
          const errors = (SECTION_FIELDS[rel] ?? []).map(action.fieldError).filter(Boolean);
          return (
            <section key={rel} className="lc-section" aria-labelledby={`${rel}-heading`}>
              <h2 id={`${rel}-heading`}>{section}</h2>
              <div>
                {sectionText(application, rel, nameOf)}
                {errors.map((error) => (
                  <p key={error} className="tw-error" role="alert">
                    {error}
                  </p>
                ))}
              </div>
              <div>
                {offers(application, rel) ? (
                  <Link href={applicationPath(props.id, rel)}>
                    {titleOf(application, rel, `Change ${section}`)}
                  </Link>
                ) : null}
              </div>
            </section>
          );
        })}
      </div>
      <div className="lc-actions">
        {offers(application, 'submit') ? (
          <Button busy={action.busy} onClick={() => void submit()}>
            {titleOf(application, 'submit', 'Submit')}
          </Button>
        ) : null}
        {offers(application, 'cancel') && !confirming ? (
          <Button kind="secondary" onClick={() => setConfirming(true)}>
            {titleOf(application, 'cancel', 'Cancel the application')}
          </Button>
        ) : null}
        {offers(application, 'cancel') && confirming ? (
          <>
            <span>Cancel this application for good?</span>
            <Button kind="danger" busy={action.busy} onClick={() => void cancel()}>
              Yes, cancel it
            </Button>
            <Button kind="secondary" onClick={() => setConfirming(false)}>
              No, keep it
            </Button>
          </>
        ) : null}
      </div>
      {application.status === 'draft' && !offers(application, 'submit') ? (
        <p className="tw-hint">
          The application offers submitting once it has its amount and its merchandise.
        </p>
      ) : null}
    </Frame>
  );
}
