import {
  type ChannelContract,
  channelContract,
  type MessageOf,
  type MessageVersions,
} from '@tessera/platform/messaging';
import { z } from 'zod';
import { addressFromOneLine } from '../domain/values.js';

/**
 * LC Application Processing's published language: what it tells the partners (Compliance, Customer
 * Onboarding, LC Issuance, the auto-approval saga) and the command it takes from the saga. This folder is the
 * only part of the module other modules may import. Money is whole cents (ADR 0006); every message carries
 * `lcApplicationId` (the saga's association) and is keyed by it, so one application's messages stay in order.
 */
export const LC_APPLICATION_CHANNEL = 'letters-of-credit.lc-applications.events.LCApplication';
/** Where the auto-approval saga sends `lcapplications.ApproveLCApplication`. */
export const LC_APPLICATIONS_COMMAND_CHANNEL = 'letters-of-credit.lc-applications.commands';

const id = z.uuid();
const text = z.string();
const amount = { amountCents: z.number().int().positive(), currency: z.string().length(3) };

export const lcMerchandiseSchema = z.strictObject({
  items: z.array(
    z.strictObject({ productId: id, quantity: z.number().int().positive(), description: text.optional() }),
  ),
  description: text.optional(),
});

const addressSchema = z.strictObject({
  lines: z.array(text),
  city: text,
  region: text.optional(),
  postalCode: text.optional(),
  country: text,
});
const partySchema = z.strictObject({ name: text, address: addressSchema });

/** What LC Issuance needs to issue the LC: the terms as they were approved. */
export const approvedTermsSchema = z.strictObject({
  clientReference: text,
  ...amount,
  applicant: partySchema.optional(),
  beneficiary: partySchema.extend({ taxId: text.optional() }).optional(),
  advisingBank: z.strictObject({ bic: text, name: text, country: text }).optional(),
  merchandise: lcMerchandiseSchema,
  documents: z.array(text).default([]),
  expiryDate: text.optional(),
});
export type ApprovedTerms = z.infer<typeof approvedTermsSchema>;

export const lcApplicationMessages = {
  'lcapplications.LCApplicationSubmitted': z.strictObject({
    lcApplicationId: id,
    applicantId: text,
    ...amount,
    merchandise: lcMerchandiseSchema,
    /** The beneficiary's country, when the applicant gave one. */
    beneficiaryCountry: text.optional(),
    submittedAt: z.iso.datetime(),
  }),
  'lcapplications.LCApplicationApproved': z.strictObject({
    lcApplicationId: id,
    applicantId: text,
    approvedBy: z.enum(['auto-approval', 'manager']),
    terms: approvedTermsSchema,
  }),
  'lcapplications.LCApplicationDeclined': z.strictObject({
    lcApplicationId: id,
    applicantId: text,
    reason: text.optional(),
  }),
  'lcapplications.LCApplicationCanceled': z.strictObject({
    lcApplicationId: id,
    applicantId: text,
    canceledBy: z.enum(['applicant', 'staff']),
  }),
  'lcapplications.LCApprovalPending': z.strictObject({
    lcApplicationId: id,
    applicantId: text,
    reminder: z.number().int().positive(),
  }),
  'lcapplications.LCApprovalPastDue': z.strictObject({ lcApplicationId: id, applicantId: text }),
};

export type LCApplicationMessage = MessageOf<typeof lcApplicationMessages>;

/**
 * Version 2 of `LCApplicationApproved` (§4.7, §8.10): the beneficiary's address is our detailed address, and
 * the beneficiary may have a tax id; version 1 had the address as one line of text and the country beside it.
 * Consumers pass these versions to `onMessages`, so that approvals published before the change (still in the
 * stream) reach them as version 2.
 */
export const lcApplicationMessageVersions: MessageVersions = {
  'lcapplications.LCApplicationApproved': {
    version: 2,
    upcasters: {
      1: (data) => {
        const approved = data as {
          terms: { beneficiary?: { name: string; address: string; country: string } };
        };
        const { beneficiary } = approved.terms;
        if (!beneficiary) return data;
        return {
          ...approved,
          terms: {
            ...approved.terms,
            beneficiary: {
              name: beneficiary.name,
              address: addressFromOneLine(beneficiary.address, beneficiary.country),
            },
          },
        };
      },
    },
  },
};

export const lcApplicationCommands = {
  /** The saga's approval: approving an application the saga already approved succeeds and records nothing. */
  'lcapplications.ApproveLCApplication': z.strictObject({ lcApplicationId: id }),
};

export const lcApplicationsPublishes: readonly ChannelContract[] = [
  channelContract({
    address: LC_APPLICATION_CHANNEL,
    description: 'LC applications: submitted, decided, canceled, reminded; keyed by application id',
    messages: lcApplicationMessages,
    versions: lcApplicationMessageVersions,
    summaries: {
      'lcapplications.LCApplicationSubmitted':
        'An application was submitted: Compliance and Customer Onboarding check it, the saga starts',
      'lcapplications.LCApplicationApproved':
        'An application was approved, with its terms: LC Issuance issues it',
      'lcapplications.LCApplicationDeclined': 'An application was declined by trade finance',
      'lcapplications.LCApplicationCanceled': 'An application was withdrawn before its decision',
      'lcapplications.LCApprovalPending': 'A submitted application waits for a decision: reminder 1 or 2',
      'lcapplications.LCApprovalPastDue': 'A submitted application had no decision within 30 days',
    },
  }),
];

export const lcApplicationsReceives: readonly ChannelContract[] = [
  channelContract({
    address: LC_APPLICATIONS_COMMAND_CHANNEL,
    description:
      'Commands to LC Application Processing, from the auto-approval saga; keyed by application id',
    messages: lcApplicationCommands,
    summaries: { 'lcapplications.ApproveLCApplication': 'Approve a submitted application automatically' },
  }),
];
