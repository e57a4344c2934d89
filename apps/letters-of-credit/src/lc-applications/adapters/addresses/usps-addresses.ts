import type { AddressVerification } from '../../application/ports.js';
import type { Address } from '../../domain/values.js';
import type { PostalService } from './postal-service.js';

/** The provider did not answer: the change is refused for now, and a retry may succeed. */
export class AddressProviderUnavailable extends Error {
  constructor(cause: unknown) {
    super('the address verification service cannot answer now: try again shortly', { cause });
  }
}

/**
 * The anti-corruption layer between our address model and the postal service's (§1.7, §6.1): our `region`
 * is its State, our `postalCode` its Zip5 (and ZIP+4 on the way back), our first line its Address2 (the
 * provider's Address1 is the apartment or suite). Only US addresses are verified; others are kept as given,
 * their postal code in capitals (a Canadian one is letters and digits).
 */
export function uspsAddressVerification(postalService: PostalService): AddressVerification {
  return {
    async verify(address) {
      if (address.country !== 'US') {
        return {
          found: true,
          address: {
            ...address,
            ...(address.postalCode && { postalCode: address.postalCode.toUpperCase() }),
          },
        };
      }
      if (!address.region || !address.postalCode) {
        return { found: false, reason: 'a US address needs its state (region) and ZIP code (postalCode)' };
      }
      let answer: Awaited<ReturnType<PostalService['validate']>>;
      try {
        answer = await postalService.validate({
          Address1: address.lines[1] ?? '',
          Address2: address.lines[0]!,
          City: address.city,
          State: address.region,
          Zip5: address.postalCode.slice(0, 5),
        });
      } catch (error) {
        throw new AddressProviderUnavailable(error);
      }
      if ('Error' in answer)
        return { found: false, reason: `the address was not verified: ${answer.Error.Description}` };
      const verified: Address = {
        lines: [answer.Address2, ...(answer.Address1 ? [answer.Address1] : []), ...address.lines.slice(2)],
        city: answer.City,
        region: answer.State,
        postalCode: `${answer.Zip5}-${answer.Zip4}`,
        country: 'US',
      };
      return { found: true, address: verified };
    },
  };
}
