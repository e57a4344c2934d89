import { hasAtMostTwoDecimals, toCents } from '@tessera/platform/ddd';
import { type Envelope, subscribeGroups } from '@tessera/platform/messaging';
import { type Module, parseEnv, stopsInTurn } from '@tessera/platform/runtime';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { z } from 'zod';
import { registerComplianceRoutes } from './adapters/http/routes.js';
import { brokerOutbox } from './adapters/messaging/integration-events.js';
import { lcApplicationsGroup } from './adapters/messaging/lc-applications-events.js';
import { postgresProductChecks, postgresProductRegister } from './adapters/postgres/compliance.js';
import { createComplianceCommands } from './application/commands.js';
import { createComplianceQueries } from './application/queries.js';
import { compliancePublishes } from './contract/integration-events.js';
import { complianceRoles } from './contract/roles.js';
import { DEFAULT_PRODUCT_RULES, type ProductRules } from './domain/product-checks.js';

export interface ComplianceModuleOptions {
  /** The rules to decide by; unset, the environment's (see `productRulesFrom`). */
  rules?: ProductRules;
  /** Told of each LC application message once its handling has committed (tests wait on it). */
  onApplicationHandled?: (message: Envelope) => void;
}

const settings = z.object({
  COMPLIANCE_MAXIMUM_LC_AMOUNT: z.coerce
    .number()
    .positive()
    .max(1e12)
    .refine(hasAtMostTwoDecimals, 'must have at most 2 decimal places')
    .optional(),
  COMPLIANCE_PROHIBITED_CATEGORIES: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((category) => category.trim().toLowerCase())
        .filter(Boolean),
    )
    .optional(),
  COMPLIANCE_UNREGISTERED_PRODUCTS: z.enum(['legal', 'illegal']).optional(),
  COMPLIANCE_PRICE_TOLERANCE_PERCENT: z.coerce.number().int().min(0).max(1000).optional(),
});

/**
 * The rules from the environment, each unset one the default: COMPLIANCE_MAXIMUM_LC_AMOUNT (USD, 500000),
 * COMPLIANCE_PROHIBITED_CATEGORIES (comma-separated, `narcotics`), COMPLIANCE_UNREGISTERED_PRODUCTS
 * (`illegal` or `legal`), COMPLIANCE_PRICE_TOLERANCE_PERCENT (10). A bad value is a ConfigError naming it.
 */
export function productRulesFrom(env: NodeJS.ProcessEnv): ProductRules {
  const set = parseEnv(settings, env);
  return {
    maximumAmountCents:
      set.COMPLIANCE_MAXIMUM_LC_AMOUNT === undefined
        ? DEFAULT_PRODUCT_RULES.maximumAmountCents
        : toCents(set.COMPLIANCE_MAXIMUM_LC_AMOUNT),
    prohibitedCategories: set.COMPLIANCE_PROHIBITED_CATEGORIES ?? DEFAULT_PRODUCT_RULES.prohibitedCategories,
    unregisteredProducts: set.COMPLIANCE_UNREGISTERED_PRODUCTS ?? DEFAULT_PRODUCT_RULES.unregisteredProducts,
    priceTolerancePercent:
      set.COMPLIANCE_PRICE_TOLERANCE_PERCENT ?? DEFAULT_PRODUCT_RULES.priceTolerancePercent,
  };
}

export function createComplianceModule(options: ComplianceModuleOptions = {}): Module {
  return {
    name: 'compliance',
    roles: Object.values(complianceRoles),
    description: 'Compliance: product analysis of submitted LC applications, with the product register',
    migrations: [sqlMigrationSet('lc_compliance', new URL('./migrations/', import.meta.url))],
    publishes: compliancePublishes,

    async start({ db, broker, http }) {
      // Driven adapters.
      const products = postgresProductRegister(db);
      const checks = postgresProductChecks(db);

      // Application.
      const rules = options.rules ?? productRulesFrom(process.env);
      const commands = createComplianceCommands({
        db,
        products,
        checks,
        outbox: brokerOutbox(broker),
        rules,
      });
      const queries = createComplianceQueries({
        products,
        checks,
        prohibitedCategories: rules.prohibitedCategories,
      });

      // Driver adapters: the analysts' routes, and the submitted applications.
      registerComplianceRoutes(http, { commands, queries });
      const subscriptions = await subscribeGroups(broker, [lcApplicationsGroup(commands)], {
        db,
        observer: options.onApplicationHandled,
      });
      return stopsInTurn(subscriptions);
    },
  };
}

export const complianceModule = createComplianceModule();
