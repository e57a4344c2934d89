import type { Envelope } from '@tessera/platform/messaging';
import { type ManualClock, manualClock } from '@tessera/platform/scheduling';
import {
  type MessageRecorder,
  recordMessages,
  signals,
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { createLCApplicationsModule } from '../../../src/lc-applications/module.js';
import { SANCTIONS_CHANNEL } from '../../../src/sanctions/contract/integration-events.js';
import { createSanctionsModule } from '../../../src/sanctions/module.js';

export const officer = { subject: 'officer-1', roles: ['sanctions-officer'] };

export interface SanctionsListDto {
  countries: string[];
  version: number;
  changedAt: string;
}

export interface SanctionsHost extends TestHost {
  readonly clock: ManualClock;
  /** The list messages published after the start. */
  readonly published: MessageRecorder;
  /** Each list message LC Application Processing's copy committed. */
  readonly copied: ReturnType<typeof signals<Envelope>>;
  /** Each request for the list Sanctions handled. */
  readonly requests: ReturnType<typeof signals<Envelope>>;
  list(): Promise<SanctionsListDto>;
  /** LC Application Processing's copy, once it holds the list at `version`. */
  copyAt(version: number): Promise<{ countries: string[]; version: number }>;
}

/**
 * Sanctions and LC Application Processing (whose copy of the list it fills) in one host, in the order given:
 * `sanctions-first` as the application starts them (the copy's group does not exist yet when the first list
 * is published, so the copy asks for it), or `copy-first` (the copy hears the first publication).
 */
export async function startSanctionsHost(
  backend: TestDatabase,
  options: { broker?: TestBrokerKind; order?: 'sanctions-first' | 'copy-first'; sanctioned?: string[] } = {},
): Promise<SanctionsHost> {
  const clock = manualClock(new Date('2026-02-03T10:00:00Z'));
  const copied = signals<Envelope>();
  const requests = signals<Envelope>();
  const sanctions = createSanctionsModule({
    clock,
    sanctioned: options.sanctioned ?? ['XS'],
    onRequestHandled: (message) => requests.push(message),
  });
  const lcApplications = createLCApplicationsModule({
    clock,
    onSanctionsListHandled: (message) => copied.push(message),
  });
  const api = await startTestHost(
    backend,
    options.order === 'copy-first' ? [lcApplications, sanctions] : [sanctions, lcApplications],
    { broker: options.broker ?? 'embedded' },
  );
  const published = await recordMessages(api.host.broker, [SANCTIONS_CHANNEL]);
  return {
    ...api,
    clock,
    published,
    copied,
    requests,
    async list() {
      const response = await api.as(officer).call('GET', '/api/sanctions/countries');
      expect(response.statusCode, response.body).toBe(200);
      return response.json<SanctionsListDto>();
    },
    async copyAt(version) {
      await copied.until((messages) =>
        messages.some((message) => (message.data as { version: number }).version >= version),
      );
      const { rows } = await api.db.query<{ countries: string[]; version: number }>(
        'SELECT countries, version FROM lc_applications.sanctions_copy',
      );
      return rows[0]!;
    },
    async close() {
      await published.stop();
      await api.close();
    },
  };
}
