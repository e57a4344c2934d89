import { Alert, Link, messageOf, navigate, preferredLocale } from '@tessera/web';
import type { ReactNode } from 'react';
import { useApplication } from '../src/application.js';
import { Frame } from '../src/frame.js';
import { DRAFT_TASKS, type DraftTask, isDraftTask, offers } from '../src/lc.js';
import { lcMessages } from '../src/messages.js';
import { AdvisingBankForm, PartyForm } from './parties.js';
import { applicationPath } from './paths.js';
import type { TaskProps } from './task-form.js';
import { AmountForm, ConditionsForm, DocumentsForm, ExpiryDateForm, MerchandiseForm } from './terms.js';

const FORMS: Readonly<Record<DraftTask, (props: TaskProps) => ReactNode>> = {
  'change-amount': AmountForm,
  'change-merchandise': MerchandiseForm,
  'change-applicant': (props) => <PartyForm {...props} task="change-applicant" />,
  'change-beneficiary': (props) => <PartyForm {...props} task="change-beneficiary" />,
  'change-advising-bank': AdvisingBankForm,
  'change-documents': DocumentsForm,
  'change-conditions': ConditionsForm,
  'change-expiry-date': ExpiryDateForm,
};

/**
 * One section of a draft as a task of its own (spec §3.3): its form only while the application offers the
 * task to the caller (its `_links`); otherwise the screen says the task is not available now.
 */
export function TaskScreen(props: { id: string; task: string }) {
  const { application, problem } = useApplication(props.id, { live: false });
  const section = DRAFT_TASKS.find((task) => task.rel === props.task)?.section ?? 'No such task';
  if (!application) {
    return (
      <Frame title={section}>
        {problem ? <Alert>{messageOf(problem, preferredLocale(), lcMessages)}</Alert> : <p>Loading…</p>}
      </Frame>
    );
  }
  const back = applicationPath(props.id);
  const Form = isDraftTask(props.task) && offers(application, props.task) ? FORMS[props.task] : undefined;
  return (
    <Frame title={section}>
      <p>
        For the application <Link href={back}>{application.clientReference}</Link>
      </p>
      {Form ? (
        <Form
          application={application}
          onDone={() => navigate(`${back}?saved=${encodeURIComponent(props.task)}`)}
        />
      ) : (
        <Alert kind="info">This application does not offer this task now.</Alert>
      )}
    </Frame>
  );
}
