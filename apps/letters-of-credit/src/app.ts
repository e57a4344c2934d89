import { defineApplication } from '@tessera/platform/runtime';
import packageJson from '../package.json' with { type: 'json' };
import { autoApprovalModule } from './auto-approval/module.js';
import { complianceModule } from './compliance/module.js';
import { lcApplicationsModule } from './lc-applications/module.js';
import { onboardingModule } from './onboarding/module.js';

/** Letters of credit: its bounded contexts in start order. Everything else derives from it. */
export const lettersOfCredit = defineApplication({
  name: 'letters-of-credit',
  title: 'Letters of credit',
  description: packageJson.description,
  version: packageJson.version,
  modules: [lcApplicationsModule, complianceModule, onboardingModule, autoApprovalModule],
});
