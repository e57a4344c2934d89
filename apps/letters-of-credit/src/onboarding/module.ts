import { randomUUID } from 'node:crypto';
import { type Envelope, subscribeGroups } from '@tessera/platform/messaging';
import { type Module, parseEnv, stopsInTurn } from '@tessera/platform/runtime';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { z } from 'zod';
import { registerOnboardingRoutes } from './adapters/http/routes.js';
import { brokerOutbox } from './adapters/messaging/integration-events.js';
import { lcApplicationsGroup } from './adapters/messaging/lc-applications-events.js';
import { postgresApplicants, postgresCreditChecks } from './adapters/postgres/onboarding.js';
import { createOnboardingCommands } from './application/commands.js';
import { createOnboardingQueries } from './application/queries.js';
import { onboardingPublishes } from './contract/integration-events.js';
import { onboardingRoles } from './contract/roles.js';
import { type CreditRules, DEFAULT_CREDIT_RULES } from './domain/credit-checks.js';

export interface OnboardingModuleOptions {
  /** The rules to decide by; unset, the environment's (see `creditRulesFrom`). */
  rules?: CreditRules;
  /** Told of each LC application message once its handling has committed (tests wait on it). */
  onApplicationHandled?: (message: Envelope) => void;
}

const settings = z.object({
  ONBOARDING_CREDIT_LINE_PERCENT: z.coerce.number().int().min(0).max(1000).optional(),
});

/** The rules from the environment: ONBOARDING_CREDIT_LINE_PERCENT (80), or a ConfigError naming it. */
export function creditRulesFrom(env: NodeJS.ProcessEnv): CreditRules {
  const set = parseEnv(settings, env);
  return { creditLinePercent: set.ONBOARDING_CREDIT_LINE_PERCENT ?? DEFAULT_CREDIT_RULES.creditLinePercent };
}

export function createOnboardingModule(options: OnboardingModuleOptions = {}): Module {
  return {
    name: 'onboarding',
    roles: Object.values(onboardingRoles),
    description: "Customer Onboarding: applicants' registration, their credit lines, and credit analysis",
    migrations: [sqlMigrationSet('lc_onboarding', new URL('./migrations/', import.meta.url))],
    publishes: onboardingPublishes,

    async start({ db, broker, http, identity }) {
      // Driven adapters.
      const applicants = postgresApplicants(db);
      const checks = postgresCreditChecks(db);

      // Application.
      const commands = createOnboardingCommands({
        db,
        applicants,
        checks,
        outbox: brokerOutbox(broker),
        accounts: identity,
        newId: randomUUID,
        rules: options.rules ?? creditRulesFrom(process.env),
      });
      const queries = createOnboardingQueries({ applicants, checks });

      // Driver adapters: the routes, and the submitted applications.
      registerOnboardingRoutes(http, { commands, queries });
      const subscriptions = await subscribeGroups(broker, [lcApplicationsGroup(commands)], {
        db,
        observer: options.onApplicationHandled,
      });
      return stopsInTurn(subscriptions);
    },
  };
}

export const onboardingModule = createOnboardingModule();
