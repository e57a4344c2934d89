import { defineRoles } from '@tessera/platform/identity';

/** Who works in Customer Onboarding: credit analysis, which sets the applicants' credit lines. */
export const onboardingRoles = defineRoles({
  creditAnalyst: {
    description:
      "Credit analysis (trade finance): sets the applicants' credit lines, reads the credit checks",
  },
});
