import { defineApplication } from '@tessera/platform/runtime';
import packageJson from '../package.json' with { type: 'json' };
import { autoApprovalModule } from './auto-approval/module.js';
import { complianceModule } from './compliance/module.js';
import { issuanceModule } from './issuance/module.js';
import { lcApplicationsModule } from './lc-applications/module.js';
import { onboardingModule } from './onboarding/module.js';
import { sanctionsModule } from './sanctions/module.js';

/** Letters of credit: its bounded contexts in start order. Everything else derives from it. */
export const lettersOfCredit = defineApplication({
  name: 'letters-of-credit',
  title: 'Letters of credit',
  description: packageJson.description,
  version: packageJson.version,
  modules: [
    sanctionsModule,
    lcApplicationsModule,
    complianceModule,
    onboardingModule,
    autoApprovalModule,
    issuanceModule,
  ],
  // Modules serving Connect RPC to the others when each runs in its own process (RPC_SERVICES).
  rpcProviders: ['issuance'],
  web: {
    dist: new URL('../web/dist/', import.meta.url),
    pages: [
      {
        path: '/applicant/',
        title: 'Importers',
        description: 'an importer drafts an LC application task by task, and submits it',
      },
      {
        path: '/desk/',
        title: 'Trade-finance desk',
        description: 'the work queues, live: approve or decline submitted applications',
      },
    ],
  },
});
