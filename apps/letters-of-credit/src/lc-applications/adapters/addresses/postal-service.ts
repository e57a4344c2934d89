/**
 * A stand-in for a US postal service's address verification API (USPS Web Tools' Address Validate): a true
 * external, so a fake behind the port. Its model is the provider's, field names and all; nothing outside the
 * anti-corruption layer (usps-addresses.ts) sees it.
 */
export interface UspsAddressRequest {
  readonly Address1: string;
  readonly Address2: string;
  readonly City: string;
  readonly State: string;
  readonly Zip5: string;
}

export type UspsAddressResponse =
  | {
      readonly Address1?: string;
      readonly Address2: string;
      readonly City: string;
      readonly State: string;
      readonly Zip5: string;
      readonly Zip4: string;
    }
  | { readonly Error: { readonly Number: string; readonly Description: string } };

export interface PostalService {
  validate(request: UspsAddressRequest): Promise<UspsAddressResponse>;
}

const STATES = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP'.split(
    ' ',
  ),
);

/**
 * Rule-based, so that a scenario can choose: a street containing "Nowhere" or the ZIP code 00000 does not
 * exist; an unknown state is an error; anything else is found, standardised in capitals with a ZIP+4.
 */
export const fakePostalService: PostalService = {
  async validate(request) {
    const state = request.State.trim().toUpperCase();
    if (!STATES.has(state)) return { Error: { Number: '-2147219400', Description: 'Invalid State Code.' } };
    if (!/^\d{5}$/.test(request.Zip5.trim()) || request.Zip5.trim() === '00000') {
      return { Error: { Number: '-2147219401', Description: 'Address Not Found.' } };
    }
    if (/nowhere/i.test(request.Address2)) {
      return { Error: { Number: '-2147219401', Description: 'Address Not Found.' } };
    }
    return {
      ...(request.Address1.trim() && { Address1: request.Address1.trim().toUpperCase() }),
      Address2: request.Address2.trim().toUpperCase(),
      City: request.City.trim().toUpperCase(),
      State: state,
      Zip5: request.Zip5.trim(),
      Zip4: '0001',
    };
  },
};
