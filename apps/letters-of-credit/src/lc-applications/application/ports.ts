import type { RecordedEvent } from '@tessera/platform/eventstore';
import type * as LCApplication from '../domain/lc-application.js';
import type { Address, CountryCode } from '../domain/values.js';

/** The sanctions list (its own module's): whether trade with a country is prohibited now. */
export interface SanctionsList {
  isSanctioned(country: CountryCode): Promise<boolean>;
}

/**
 * Address verification for applicants, behind an anti-corruption layer: the provider's model (a US postal
 * service's, a Canadian one's) never reaches the domain. Answers the address in our model, standardised, or
 * says it does not exist. Countries it does not cover are answered as given.
 */
export interface AddressVerification {
  verify(address: Address): Promise<{ found: true; address: Address } | { found: false; reason: string }>;
}

/** What every save writes beside its events, in their transaction: integration messages and reminders. */
export interface SaveEffects {
  publish(id: string, state: LCApplication.State, recorded: readonly RecordedEvent[]): Promise<void>;
}
