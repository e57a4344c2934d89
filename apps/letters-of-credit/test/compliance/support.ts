import type { Envelope } from '@tessera/platform/messaging';
import {
  signals,
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { PRODUCT_CHECKS_CHANNEL } from '../../src/compliance/contract/integration-events.js';
import { DEFAULT_PRODUCT_RULES } from '../../src/compliance/domain/product-checks.js';
import { createComplianceModule } from '../../src/compliance/module.js';
import { received } from '../support/partners.js';

export const PRODUCT_ANALYST = { subject: 'analyst-1', roles: ['product-analyst'] };

export interface ComplianceHost extends TestHost {
  /** The LC application messages the module handled, each once its handling committed. */
  readonly handled: ReturnType<typeof signals<Envelope>>;
  /** What the module published on its channel, as a test group receives it. */
  readonly decisions: Awaited<ReturnType<typeof received>>;
  registerProduct(id: string, product: object): Promise<void>;
}

/** One in-process host with Compliance, deciding by the board's policies, on a fresh database. */
export async function startComplianceHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
): Promise<ComplianceHost> {
  const handled = signals<Envelope>();
  const api = await startTestHost(
    backend,
    [createComplianceModule({ rules: DEFAULT_PRODUCT_RULES, onApplicationHandled: handled.push })],
    { broker },
  );
  const analyst = api.as(PRODUCT_ANALYST);
  return {
    ...api,
    handled,
    decisions: await received(api.host.broker, PRODUCT_CHECKS_CHANNEL),
    async registerProduct(id, product) {
      const response = await analyst.call('PUT', `/api/compliance/products/${id}`, product);
      expect(response.statusCode, response.body).toBe(200);
    },
  };
}

/** A host migrates its schemas and the broker's; on a loaded two-core machine a PGlite start is slow. */
export const HOST_START_MS = 120_000;
