import { found, notFound, type PageRequest } from '@tessera/platform/ddd';
import type { ProductCheckRecords, ProductRegister } from './ports.js';

export function createComplianceQueries({
  products,
  checks,
  prohibitedCategories,
}: {
  products: ProductRegister;
  checks: ProductCheckRecords;
  /** The categories the legality check refuses (lower case): never offered to applicants. */
  prohibitedCategories: readonly string[];
}) {
  return {
    listProducts: (page: PageRequest) => products.list(page),
    /**
     * Approved Product Identifiers (§4.2): the products an applicant may name in merchandise, registered and
     * in no prohibited category, so that a draft is not made of products the legality check refuses.
     */
    approvedProducts: (page: PageRequest) =>
      products.list(page, { excludingCategories: prohibitedCategories }),
    async productChecks({ lcApplicationId }: { lcApplicationId: string }) {
      return found(await checks.find(lcApplicationId), () =>
        notFound('product_checks_not_found', 'no product checks for that LC application (yet)'),
      );
    },
  };
}

export type ComplianceQueries = ReturnType<typeof createComplianceQueries>;
