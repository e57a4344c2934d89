import { randomUUID } from 'node:crypto';
import { invalidArgument, toCents } from '@tessera/platform/ddd';
import { type HttpServer, ownerFrom, restRoutes } from '@tessera/platform/http';
import { isOperator } from '@tessera/platform/identity';
import type { LCApplicationCommands } from '../../application/commands.js';
import type { LCApplicationQueries } from '../../application/queries.js';
import { lcApplicationsRoles } from '../../contract/roles.js';
import { installMediaTypes } from './media-types.js';
import {
  applicationResponse,
  changeBodies,
  declineBody,
  desksOf,
  idParams,
  startBody,
  tags,
  toApplicationDto,
} from './schemas.js';

const problems = {
  badRequest: 'A field is missing or malformed, or the change breaks a rule (see code and errors)',
  notFound: 'No LC application with that id',
  conflict: 'The application is not in a state that allows this task (see code), or it changed meanwhile',
};

const { applicant, tradeFinanceManager } = lcApplicationsRoles;

/** Whose the application of the path is: its applicant (none when it does not exist: the route answers 404). */
export const ownerOfApplication = (queries: LCApplicationQueries) =>
  ownerFrom(
    async (request: { params: { id: string } }) => (await queries.getApplication(request.params)).applicantId,
  );

/**
 * LC Application Processing's open host service (§6.3): a task per route, named in the business's words, each
 * accepting JSON or the versioned media type; an application answers as HAL with a form for each task it
 * allows now, so a client never guesses what is permitted.
 */
export function registerLCApplicationRoutes(
  http: HttpServer,
  { commands, queries }: { commands: LCApplicationCommands; queries: LCApplicationQueries },
) {
  installMediaTypes(http, '/api/lc-applications');
  const rest = restRoutes(http, { tags, problems });
  const owner = ownerOfApplication(queries);
  const applicantsOwn = { roles: [applicant], owner };

  rest.post('/api/lc-applications/start-new', 'startNewLCApplication', {
    audience: {
      roles: [applicant],
      owner: async (request) =>
        request.body.applicantId ?? request.body['applicant-id'] ?? request.principal?.subject,
    },
    summary: 'Start a new LC application as a draft, with a friendly client reference',
    body: startBody,
    created: 'The draft was started',
    location: (id) => `/api/lc-applications/${id}`,
    handler: async ({ body, principal }) => {
      const applicantId =
        body.applicantId ?? body['applicant-id'] ?? (isOperator(principal) ? undefined : principal?.subject);
      if (!applicantId) {
        throw invalidArgument('applicant_id_missing', 'say whose application it is', 'body.applicantId');
      }
      const id = body.lcApplicationId ?? randomUUID();
      await commands.start({ id, applicantId, clientReference: body.clientReference });
      return { id };
    },
  });

  rest.get('/api/lc-applications/:id', 'getLCApplication', {
    audience: { roles: [applicant, tradeFinanceManager], owner },
    summary: 'An LC application as it is now, with a link and a form for each task it allows',
    params: idParams,
    ok: applicationResponse,
    handler: async ({ params, principal }) =>
      toApplicationDto(http.prefix, params.id, await queries.getApplication(params), desksOf(principal)),
  });

  const change = <Task extends keyof typeof changeBodies>(
    task: Task,
    operationId: string,
    summary: string,
    handler: (id: string, body: import('zod').output<(typeof changeBodies)[Task]>) => Promise<void>,
  ) =>
    rest.post(`/api/lc-applications/:id/${task}`, operationId, {
      audience: applicantsOwn,
      summary,
      params: idParams,
      body: changeBodies[task],
      noContent: 'The draft has the change',
      handler: ({ params, body }) => handler(params.id, body as never),
    });

  change(
    'change-applicant',
    'changeApplicant',
    "Change the applicant's name and address (US addresses are verified)",
    (id, applicantParty) => commands.changeApplicant({ id, applicant: applicantParty }),
  );
  change(
    'change-beneficiary',
    'changeBeneficiary',
    'Change the beneficiary (the exporter); a sanctioned country is refused',
    (id, beneficiary) => commands.changeBeneficiary({ id, beneficiary }),
  );
  change(
    'change-advising-bank',
    'changeAdvisingBank',
    'Change the bank that advises the LC to the beneficiary',
    (id, advisingBank) => commands.changeAdvisingBank({ id, advisingBank }),
  );
  change(
    'change-amount',
    'changeLCAmount',
    'Change the amount (USD only, at most 500,000.00)',
    (id, { amount, currency }) => commands.changeAmount({ id, amount: { cents: toCents(amount), currency } }),
  );
  change(
    'change-merchandise',
    'changeMerchandise',
    'Change the merchandise: its items and description',
    (id, merchandise) => commands.changeMerchandise({ id, merchandise }),
  );
  change(
    'change-documents',
    'changeDocuments',
    'Change the documents the beneficiary must present',
    (id, { documents }) => commands.changeDocuments({ id, documents }),
  );
  change(
    'change-conditions',
    'changeConditions',
    'Change the conditions: revocable, transferable, tenor, others',
    (id, conditions) => commands.changeConditions({ id, conditions }),
  );
  change(
    'change-expiry-date',
    'changeExpiryDate',
    'Change the expiry date (after today)',
    (id, { expiryDate }) => commands.changeExpiryDate({ id, expiryDate }),
  );

  rest.post('/api/lc-applications/:id/submit', 'submitLCApplication', {
    audience: applicantsOwn,
    summary: 'Submit the draft for the checks and a decision (it needs an amount and merchandise)',
    params: idParams,
    noContent: 'The application is submitted',
    handler: ({ params }) => commands.submit(params),
  });

  rest.post('/api/lc-applications/:id/approve', 'approveLCApplication', {
    audience: { roles: [tradeFinanceManager] },
    summary: 'Approve a submitted application',
    params: idParams,
    noContent: 'The application is approved: LC Issuance issues its LC',
    handler: ({ params }) => commands.approve({ ...params, by: 'manager' }),
  });

  rest.post('/api/lc-applications/:id/decline', 'declineLCApplication', {
    audience: { roles: [tradeFinanceManager] },
    summary: 'Decline a submitted application, optionally saying why',
    params: idParams,
    body: declineBody,
    noContent: 'The application is declined',
    handler: ({ params, body }) =>
      commands.decline({ ...params, ...(body?.reason && { reason: body.reason }) }),
  });

  rest.post('/api/lc-applications/:id/cancel', 'cancelLCApplication', {
    audience: { roles: [applicant, tradeFinanceManager], owner },
    summary: 'Cancel a draft or a submitted application (not once decided)',
    params: idParams,
    noContent: 'The application is canceled',
    handler: ({ params, principal }) =>
      commands.cancel({
        ...params,
        by: desksOf(principal).includes('applicant') && !isOperator(principal) ? 'applicant' : 'staff',
      }),
  });
}
