import type { UnitOfWork } from '@tessera/platform/ddd';
import {
  type Application,
  type ProductRules,
  productLegality,
  productValue,
} from '../domain/product-checks.js';
import { type Product, registerProduct } from '../domain/products.js';
import type { DecisionOutbox, ProductCheckRecords, ProductRegister } from './ports.js';

export interface ComplianceCommandDependencies {
  readonly db: Pick<UnitOfWork, 'transaction'>;
  readonly products: ProductRegister;
  readonly checks: ProductCheckRecords;
  readonly outbox: DecisionOutbox;
  readonly rules: ProductRules;
}

export interface ComplianceCommands {
  registerProduct(input: Product): Promise<Product>;
  /** Decides value and legality of a submitted application, once: a second time records and publishes nothing. */
  checkProducts(application: Application & { readonly lcApplicationId: string }): Promise<void>;
}

export function createComplianceCommands({
  db,
  products,
  checks,
  outbox,
  rules,
}: ComplianceCommandDependencies): ComplianceCommands {
  return {
    async registerProduct(input) {
      const product = registerProduct(input);
      await products.put(product);
      return product;
    },

    async checkProducts(application) {
      // In the handling's transaction: the decisions, their record and their messages commit together.
      await db.transaction(async () => {
        const ids = application.items.map((item) => item.productId);
        const register = new Map((await products.findAll(ids)).map((product) => [product.id, product]));
        const decided = {
          lcApplicationId: application.lcApplicationId,
          value: productValue(application, register, rules),
          legality: productLegality(application, register, rules),
        };
        if (await checks.record(decided)) await outbox.publish(decided);
      });
    },
  };
}
