import { randomUUID } from 'node:crypto';
import { TOKEN_PATH } from '@tessera/platform/identity';
import type { Envelope } from '@tessera/platform/messaging';
import {
  type Caller,
  type Method,
  signals,
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { createMarketingModule } from '../../src/marketing/module.js';
import { createSubscriptionsModule } from '../../src/subscriptions/module.js';

/** A host migrates its schemas and the broker's; on a loaded two-core machine a PGlite start is slow. */
export const HOST_START_MS = 120_000;

export const MARKETER = { subject: 'marketer-1', roles: ['marketer'] };
/** Another module of CoffeeCo (or another system), with its client credential. */
export const SERVICE = { subject: 'coffee-shops', roles: ['service'], client: true };

export interface SubscriptionsHost extends TestHost {
  /** Each campaign message Subscriptions handled, once its handling committed. */
  readonly campaignsHandled: ReturnType<typeof signals<Envelope>>;
  /** Someone who signs up with a login, then logs in with it (the password grant): a lead of their own. */
  signUp(email?: string): Promise<Caller & { leadID: string }>;
}

/** Marketing and Subscriptions in one in-process host, on a fresh database. */
export async function startSubscriptionsHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
): Promise<SubscriptionsHost> {
  const campaignsHandled = signals<Envelope>();
  const api = await startTestHost(
    backend,
    [createMarketingModule(), createSubscriptionsModule({ onCampaignHandled: campaignsHandled.push })],
    { broker },
  );
  return {
    ...api,
    campaignsHandled,
    async signUp(email = `lead-${randomUUID().slice(0, 8)}@example.com`) {
      const login = { username: `lead-${randomUUID().slice(0, 8)}`, password: 'a long enough password' };
      const signedUp = await api
        .as('anonymous')
        .call('POST', '/api/subscriptions/leads', { email, ...login });
      expect(signedUp.statusCode, signedUp.body).toBe(201);
      const tokens = await api.host.http.inject({
        method: 'POST',
        url: TOKEN_PATH,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: 'password', ...login }).toString(),
      });
      expect(tokens.statusCode, tokens.body).toBe(200);
      const headers = { authorization: `Bearer ${tokens.json<{ access_token: string }>().access_token}` };
      const call = (method: Method, url: string, body?: unknown) =>
        api.host.http.inject({
          method,
          url,
          headers,
          ...(body === undefined ? {} : { payload: body as object }),
        });
      return {
        leadID: signedUp.json<{ id: string }>().id,
        call,
        raw: (method, url, payload, contentType = 'application/json') =>
          api.host.http.inject({
            method,
            url,
            payload,
            headers: { ...headers, 'content-type': contentType },
          }),
      };
    },
  };
}
