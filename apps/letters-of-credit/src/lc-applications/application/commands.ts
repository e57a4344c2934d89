import { type AggregateStore, conflict, invalidArgument } from '@tessera/platform/ddd';
import * as LCApplication from '../domain/lc-application.js';
import type {
  AdvisingBank,
  Beneficiary,
  Conditions,
  Documents,
  Merchandise,
  Money,
  Party,
} from '../domain/values.js';
import type { AddressVerification, SanctionsList } from './ports.js';

export interface LCApplicationCommandDependencies {
  /** The applications' event store, whose saves write their messages and reminders in their transaction. */
  readonly applications: AggregateStore<LCApplication.State, LCApplication.Event>;
  readonly sanctions: SanctionsList;
  readonly addresses: AddressVerification;
  /** The bank's time (tests and the demo's short days move it). */
  readonly now: () => Date;
}

type Id = { readonly id: string };

export interface LCApplicationCommands {
  /** Returns whether the application is new (false: the same start was repeated, and nothing was recorded). */
  start(input: Id & LCApplication.StartLCApplication): Promise<{ created: boolean }>;
  changeApplicant(input: Id & { applicant: Party }): Promise<void>;
  changeBeneficiary(input: Id & { beneficiary: Beneficiary }): Promise<void>;
  changeAdvisingBank(input: Id & { advisingBank: AdvisingBank }): Promise<void>;
  changeAmount(input: Id & { amount: Money }): Promise<void>;
  changeMerchandise(input: Id & { merchandise: Merchandise }): Promise<void>;
  changeDocuments(input: Id & { documents: Documents }): Promise<void>;
  changeConditions(input: Id & { conditions: Conditions }): Promise<void>;
  changeExpiryDate(input: Id & { expiryDate: string }): Promise<void>;
  submit(input: Id): Promise<void>;
  approve(input: Id & { by: 'auto-approval' | 'manager' }): Promise<void>;
  decline(input: Id & { reason?: string }): Promise<void>;
  cancel(input: Id & { by: 'applicant' | 'staff' }): Promise<void>;
  /** A reminder deadline came due. */
  remind(input: Id & { reminder: number }): Promise<void>;
}

/**
 * Each command loads its application, asks what the domain needs from outside (the sanctions list, the
 * address provider, the clock) and lets the domain decide; the events and their effects commit together.
 * What is asked outside is asked before loading, so that no transaction waits on a provider.
 */
export function createLCApplicationCommands({
  applications,
  sanctions,
  addresses,
  now,
}: LCApplicationCommandDependencies): LCApplicationCommands {
  const update = async (id: string, decide: (state: LCApplication.State) => LCApplication.Event[]) => {
    await applications.update(id, decide);
  };
  return {
    async start({ id, applicantId, clientReference }) {
      const saved = await applications.update(id, (state) =>
        LCApplication.start(state, { applicantId, clientReference }),
      );
      return { created: saved.events.length > 0 };
    },
    async changeApplicant({ id, applicant }) {
      const verified = await addresses.verify(applicant.address);
      if (!verified.found) {
        throw invalidArgument('applicant_address_not_found', verified.reason, 'address');
      }
      await update(id, (state) =>
        LCApplication.changeApplicant(state, { ...applicant, address: verified.address }),
      );
    },
    async changeBeneficiary({ id, beneficiary }) {
      const countrySanctioned = await sanctions.isSanctioned(beneficiary.address.country);
      await update(id, (state) => LCApplication.changeBeneficiary(state, beneficiary, { countrySanctioned }));
    },
    changeAdvisingBank: ({ id, advisingBank }) =>
      update(id, (state) => LCApplication.changeAdvisingBank(state, advisingBank)),
    changeAmount: ({ id, amount }) => update(id, (state) => LCApplication.changeAmount(state, amount)),
    changeMerchandise: ({ id, merchandise }) =>
      update(id, (state) => LCApplication.changeMerchandise(state, merchandise)),
    changeDocuments: ({ id, documents }) =>
      update(id, (state) => LCApplication.changeDocuments(state, documents)),
    changeConditions: ({ id, conditions }) =>
      update(id, (state) => LCApplication.changeConditions(state, conditions)),
    changeExpiryDate: ({ id, expiryDate }) =>
      update(id, (state) =>
        LCApplication.changeExpiryDate(state, expiryDate, { today: now().toISOString().slice(0, 10) }),
      ),
    async submit({ id }) {
      // The country is read first and asked outside the transaction; the domain then decides on the state it
      // loads. A beneficiary changed in between is refused by optimistic concurrency, not missed.
      const { state } = await applications.load(id);
      const country = LCApplication.beneficiaryCountry(state);
      const countrySanctioned = country ? await sanctions.isSanctioned(country) : false;
      await update(id, (current) => {
        if (LCApplication.beneficiaryCountry(current) !== country) {
          throw conflict('lc_application_changed', 'the application changed meanwhile: submit again');
        }
        return LCApplication.submit(current, { now: now(), countrySanctioned });
      });
    },
    approve: ({ id, by }) => update(id, (state) => LCApplication.approve(state, { by })),
    decline: ({ id, reason }) =>
      update(id, (state) => LCApplication.decline(state, reason === undefined ? {} : { reason })),
    cancel: ({ id, by }) => update(id, (state) => LCApplication.cancel(state, { by })),
    remind: ({ id, reminder }) => update(id, (state) => LCApplication.remind(state, { reminder })),
  };
}
