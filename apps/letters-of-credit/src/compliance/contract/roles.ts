import { defineRoles } from '@tessera/platform/identity';

/** Who works in Compliance: product analysis, which keeps the product register the checks read. */
export const complianceRoles = defineRoles({
  productAnalyst: {
    description: 'Product analysis (trade finance): keeps the product register, reads the product checks',
  },
});
