import type { DomainEvent } from '@tessera/platform/ddd';
import { z } from 'zod';
import {
  address,
  addressFromOneLine,
  advisingBank,
  beneficiary,
  calendarDate,
  conditions,
  documents,
  merchandise,
  money,
  party,
} from './values.js';

/**
 * The events of the LCApplication aggregate, as they are stored. Each schema is the contract of one event at
 * its current version: a shape changes only by adding a version and an upcaster (below), never in place.
 */
export const lcApplicationEventSchemas = {
  'lc.LCApplicationStarted': z.strictObject({ applicantId: z.string().min(1), clientReference: z.string() }),
  'lc.ApplicantChanged': z.strictObject({ applicant: party }),
  /** Version 3; see the upcasters for 1 and 2. */
  'lc.BeneficiaryInformationChanged': beneficiary,
  'lc.AdvisingBankChanged': z.strictObject({ advisingBank }),
  'lc.LCAmountChanged': z.strictObject({ amount: money }),
  'lc.MerchandiseChanged': z.strictObject({ merchandise }),
  'lc.DocumentsChanged': z.strictObject({ documents }),
  'lc.ConditionsChanged': z.strictObject({ conditions }),
  'lc.ExpiryDateChanged': z.strictObject({ expiryDate: calendarDate }),
  'lc.LCApplicationSubmitted': z.strictObject({ amount: money, submittedAt: z.iso.datetime() }),
  'lc.LCApplicationApproved': z.strictObject({ by: z.enum(['auto-approval', 'manager']) }),
  'lc.LCApplicationDeclined': z.strictObject({ reason: z.string().optional() }),
  'lc.LCApplicationCanceled': z.strictObject({ by: z.enum(['applicant', 'staff']) }),
  'lc.LCApprovalPending': z.strictObject({ reminder: z.number().int().min(1) }),
  'lc.LCApprovalPastDue': z.strictObject({}),
};

export type LCApplicationEventType = keyof typeof lcApplicationEventSchemas;
export type LCApplicationEvent = {
  [Type in LCApplicationEventType]: DomainEvent<Type, z.infer<(typeof lcApplicationEventSchemas)[Type]>>;
}[LCApplicationEventType];

/**
 * The book's versioning example (§4.7). Version 1 held the address as one line of text; version 2 (1.1.0,
 * additive) added `detailedAddress`; version 3 (2.0.0, breaking) dropped the line of text, kept the detailed
 * address as `address`, and added `taxId`. Stored events of every version are read as version 3.
 */
const beneficiaryV1 = z.object({ name: z.string(), address: z.string(), country: z.string() });
const beneficiaryV2 = beneficiaryV1.extend({ detailedAddress: address });

const upcasters: Partial<Record<LCApplicationEventType, Record<number, (data: unknown) => unknown>>> = {
  'lc.BeneficiaryInformationChanged': {
    1: (data) => {
      const v1 = beneficiaryV1.parse(data);
      return { ...v1, detailedAddress: addressFromOneLine(v1.address, v1.country) };
    },
    2: (data) => {
      const { name, detailedAddress } = beneficiaryV2.parse(data);
      return { name, address: detailedAddress };
    },
  },
};

/** Registry definitions (structurally the platform's TypeDefinition, so the domain needs no registry import). */
export const lcApplicationEventTypes = Object.entries(lcApplicationEventSchemas).map(([name, schema]) => {
  const lifts = upcasters[name as LCApplicationEventType];
  return {
    name,
    version: lifts ? Object.keys(lifts).length + 1 : 1,
    schema,
    ...(lifts ? { upcasters: lifts } : {}),
  };
});
