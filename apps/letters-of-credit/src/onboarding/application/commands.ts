import { found, type UnitOfWork } from '@tessera/platform/ddd';
import { lcApplicationsRoles } from '../../lc-applications/contract/roles.js';
import { type Applicant, applicantNotFound, registerApplicant } from '../domain/applicants.js';
import { type Application, applicantCredit, type CreditRules } from '../domain/credit-checks.js';
import type { ApplicantRegister, CreditCheckRecords, DecisionOutbox, IdentityAccounts } from './ports.js';

export interface OnboardingCommandDependencies {
  readonly db: Pick<UnitOfWork, 'transaction'>;
  readonly applicants: ApplicantRegister;
  readonly checks: CreditCheckRecords;
  readonly outbox: DecisionOutbox;
  /** Where a new applicant gets the account they log in with; its subject is their applicant id. */
  readonly accounts: IdentityAccounts;
  /** Ids of new applicants (UUID v4). */
  readonly newId: () => string;
  readonly rules: CreditRules;
}

export interface OnboardingCommands {
  /** Opens the applicant's account in the same unit of work: a taken username registers nobody. */
  registerApplicant(
    input: Omit<Applicant, 'id' | 'creditLineCents'> & { username: string; password: string },
  ): Promise<{ id: string }>;
  setCreditLine(input: { applicantId: string; creditLineCents: number }): Promise<Applicant>;
  /** Decides the applicant's credit for a submitted application, once: a second time records and publishes nothing. */
  checkCredit(
    application: Application & { readonly lcApplicationId: string; readonly applicantId: string },
  ): Promise<void>;
}

export function createOnboardingCommands({
  db,
  applicants,
  checks,
  outbox,
  accounts,
  newId,
  rules,
}: OnboardingCommandDependencies): OnboardingCommands {
  return {
    async registerApplicant({ username, password, ...input }) {
      const applicant = registerApplicant({ id: newId(), ...input });
      await db.transaction(async () => {
        await applicants.add(applicant);
        const roles = [lcApplicationsRoles.applicant.name];
        await accounts.register({ subject: applicant.id, username, password, roles });
      });
      return { id: applicant.id };
    },

    setCreditLine: async ({ applicantId, creditLineCents }) =>
      found(await applicants.setCreditLine(applicantId, creditLineCents), applicantNotFound),

    async checkCredit(application) {
      // In the handling's transaction: the decision, its record and its message commit together.
      await db.transaction(async () => {
        const { lcApplicationId, applicantId } = application;
        const decision = applicantCredit(application, await applicants.find(applicantId), rules);
        const check = { lcApplicationId, applicantId, decision };
        if (await checks.record(check)) await outbox.publish(check);
      });
    },
  };
}
