import { Alert, Button, LiveIndicator, messageOf, must, preferredLocale } from '@tessera/web';
import { useState } from 'react';
import { useAction } from '../src/action.js';
import { api } from '../src/api.js';
import { useApplication } from '../src/application.js';
import { Frame } from '../src/frame.js';
import { DRAFT_TASKS, formatTime, offers, QUEUES, titleOf } from '../src/lc.js';
import { lcMessages } from '../src/messages.js';
import { Checks, Reminders, Status, TextArea } from '../src/parts.js';
import { useProducts } from '../src/products.js';
import { sectionText } from '../src/sections.js';
import { useCheckRemarks } from './remarks.js';

/**
 * One application as the desk decides it: what it says, the partners' checks, reminders and past due, and
 * the decisions it offers now (its links): approve, decline with a reason, cancel. Followed live.
 */
export function DeskApplication(props: { id: string }) {
  const { application, view, problem, reload, live } = useApplication(props.id, { live: true });
  const { nameOf } = useProducts();
  const remarks = useCheckRemarks(props.id, view?.checks);
  const action = useAction(['reason']);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  if (!application) {
    return (
      <Frame title="LC application">
        {problem ? <Alert>{messageOf(problem, preferredLocale(), lcMessages)}</Alert> : <p>Loading…</p>}
      </Frame>
    );
  }
  const params = { path: { id: props.id } };
  const decide = async (what: string, call: () => Promise<unknown>) => {
    setConfirming(false);
    if (await action.run(call)) setDone(what);
    await reload();
  };
  const approve = () =>
    decide('Approved: LC Issuance issues its letter of credit.', () =>
      must(() => api.POST('/letters-of-credit/api/lc-applications/{id}/approve', { params })),
    );
  const decline = () =>
    decide('Declined.', () =>
      must(() =>
        api.POST('/letters-of-credit/api/lc-applications/{id}/decline', {
          params,
          body: reason.trim() ? { reason } : {},
        }),
      ),
    );
  const cancel = () =>
    decide('Canceled.', () =>
      must(() => api.POST('/letters-of-credit/api/lc-applications/{id}/cancel', { params })),
    );
  const queues = view?.queues.map((queue) => QUEUES.find((one) => one.queue === queue)?.title ?? queue);
  return (
    <Frame title={`LC application ${application.clientReference}`}>
      <p className="tw-row">
        <Status status={application.status} />
        <Reminders item={application} />
        {application.submittedAt ? <span>Submitted {formatTime(application.submittedAt)}</span> : null}
        <LiveIndicator state={live} />
      </p>
      {done ? <Alert kind="success">{done}</Alert> : null}
      {action.sentence ? <Alert>{action.sentence}</Alert> : null}
      {view ? (
        <section aria-labelledby="checks-heading">
          <h2 id="checks-heading">Checks</h2>
          <Checks checks={view.checks} remarks={remarks} />
          <p>In the queues: {queues && queues.length > 0 ? queues.join(', ') : 'none'}</p>
        </section>
      ) : null}
      <h2>The application</h2>
      <div className="lc-sections">
        {DRAFT_TASKS.map(({ rel, section }) => (
          <section key={rel} className="lc-section" aria-labelledby={`${rel}-heading`}>
            <h3 id={`${rel}-heading`}>{section}</h3>
            <div>{sectionText(application, rel, nameOf)}</div>
          </section>
        ))}
      </div>
      {offers(application, 'approve') || offers(application, 'decline') ? (
        <section className="lc-decision" aria-labelledby="decision-heading">
          <h2 id="decision-heading">Decision</h2>
          {offers(application, 'decline') ? (
            <TextArea
              label="Reason for declining (optional)"
              value={reason}
              error={action.fieldError('reason')}
              onChange={(event) => setReason(event.target.value)}
            />
          ) : null}
          <div className="lc-actions">
            {offers(application, 'approve') ? (
              <Button busy={action.busy} onClick={() => void approve()}>
                {titleOf(application, 'approve', 'Approve')}
              </Button>
            ) : null}
            {offers(application, 'decline') ? (
              <Button kind="danger" busy={action.busy} onClick={() => void decline()}>
                {titleOf(application, 'decline', 'Decline')}
              </Button>
            ) : null}
          </div>
        </section>
      ) : null}
      {offers(application, 'cancel') ? (
        <div className="lc-actions">
          {confirming ? (
            <>
              <span>Cancel this application for good?</span>
              <Button kind="danger" busy={action.busy} onClick={() => void cancel()}>
                Yes, cancel it
              </Button>
              <Button kind="secondary" onClick={() => setConfirming(false)}>
                No, keep it
              </Button>
            </>
          ) : (
            <Button kind="secondary" onClick={() => setConfirming(true)}>
              {titleOf(application, 'cancel', 'Cancel the application')}
            </Button>
          )}
        </div>
      ) : null}
    </Frame>
  );
}
