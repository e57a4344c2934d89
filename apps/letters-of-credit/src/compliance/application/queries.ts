import { found, notFound, type PageRequest } from '@tessera/platform/ddd';
import type { ProductCheckRecords, ProductRegister } from './ports.js';

export function createComplianceQueries({
  products,
  checks,
}: {
  products: ProductRegister;
  checks: ProductCheckRecords;
}) {
  return {
    listProducts: (page: PageRequest) => products.list(page),
    async productChecks({ lcApplicationId }: { lcApplicationId: string }) {
      return found(await checks.find(lcApplicationId), () =>
        notFound('product_checks_not_found', 'no product checks for that LC application (yet)'),
      );
    },
  };
}

export type ComplianceQueries = ReturnType<typeof createComplianceQueries>;
