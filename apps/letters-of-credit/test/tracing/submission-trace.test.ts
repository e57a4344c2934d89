import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind, startTelemetry, type Telemetry } from '@tessera/platform/observability';
import {
  type Answer,
  type Caller,
  eventually,
  postgresTestDatabase,
  type SpanTree,
  spanTree,
  startTestHost,
  type TestHost,
  traceIdOf,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lettersOfCredit } from '../../src/app.js';
import { AUTO_APPROVAL } from '../../src/auto-approval/application/process.js';
import { complianceRoles } from '../../src/compliance/contract/roles.js';
import { lcApplicationsRoles } from '../../src/lc-applications/contract/roles.js';
import { onboardingRoles } from '../../src/onboarding/contract/roles.js';

const HOST_START_MS = 90_000;
const SAGA_GROUP = `saga-${AUTO_APPROVAL.replaceAll('.', '-')}`;

const attribute = (span: ReadableSpan, name: string) => span.attributes[name] as string | undefined;
const groupOf = (span: ReadableSpan) => attribute(span, 'messaging.consumer.group.name') ?? '';
const handles = (span: ReadableSpan, type: string, group?: string) =>
  span.kind === SpanKind.CONSUMER &&
  span.name === `process ${type}` &&
  (group === undefined || groupOf(span) === group);
/** The consumer groups of a module: its own (`<module>-…`), and its sagas' (`saga-<module>-…`). */
const groupIsOf = (group: string, module: string) =>
  group.startsWith(`${module}-`) || group.startsWith(`saga-${module}-`);

const ok = async (answer: Promise<Answer>) => {
  const { statusCode, body } = await answer;
  expect(statusCode, body).toBeLessThan(300);
  return JSON.parse(body || '{}') as { id?: string };
};

// Every letters-of-credit module in one process, spans kept in memory: an importer with a credit line, a
// registered product, an application of USD 10,000 submitted. Compliance and Customer Onboarding check it,
// LC Application Processing records their decisions, the auto-approval saga asks for the approval, and
// Issuance hears of it. The host's http and pg are loaded before telemetry starts in a vitest worker (ADR
// 0045): the platform's own spans are what is checked.
describe('one submission through the auto-approval saga is one trace', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let api: TestHost;
  let id: string;
  let tree: SpanTree;
  let submit: ReadableSpan;
  let trace: ReadableSpan[];
  /** The spans made before the submission: the drafting requests. */
  let drafting: SpanTree;

  const finished = async () => {
    await telemetry.flush();
    return exporter.getFinishedSpans();
  };

  beforeAll(async () => {
    telemetry = startTelemetry({ spanExporter: exporter });
    api = await startTestHost(postgresTestDatabase, lettersOfCredit.modules, { broker: 'embedded' });
    const login = { username: `ramonda.${randomUUID().slice(0, 8)}`, password: randomUUID() };
    const { id: applicantId } = await ok(
      api.as('anonymous').call('POST', '/api/onboarding/applicants', { ...login, name: 'Ramonda Udaku' }),
    );
    await ok(
      api
        .as({ subject: 'credit-analyst', roles: [onboardingRoles.creditAnalyst.name] })
        .call('PUT', `/api/onboarding/applicants/${applicantId}/credit-line`, {
          amount: 100_000,
          currency: 'USD',
        }),
    );
    const productId = randomUUID();
    await ok(
      api
        .as({ subject: 'product-analyst', roles: [complianceRoles.productAnalyst.name] })
        .call('PUT', `/api/compliance/products/${productId}`, {
          name: 'Vibranium ore',
          category: 'raw materials',
          referencePrice: 1_000,
        }),
    );
    const me: Caller = api.as({ subject: applicantId!, roles: [lcApplicationsRoles.applicant.name] });
    // 503 until LC Application Processing has its copy of the sanctions list, as a client retries.
    const started = await eventually(
      'a draft is started',
      () => me.call('POST', '/api/lc-applications/start-new', { clientReference: 'Vibranium sample' }),
      (answer) => answer.statusCode !== 503,
    );
    expect(started.statusCode, started.body).toBe(201);
    id = started.json<{ id: string }>().id;
    const task = (name: string, body?: unknown) =>
      ok(me.call('POST', `/api/lc-applications/${id}/${name}`, body));
    await task('change-amount', { amount: 10_000, currency: 'USD' });
    await task('change-merchandise', { items: [{ productId, quantity: 10, description: 'Vibranium ore' }] });
    await task('change-applicant', {
      name: 'Acme Imports',
      address: {
        lines: ['1600 Pennsylvania Ave'],
        city: 'Washington',
        region: 'DC',
        postalCode: '20500',
        country: 'US',
      },
    });
    drafting = spanTree(await finished());
    await task('submit');
    const spans = await eventually(
      'the saga heard the reply to its approval, and Issuance the approval',
      finished,
      (all) =>
        all.some((span) => handles(span, 'reply.Success', SAGA_GROUP)) &&
        all.some((span) => handles(span, 'lcapplications.LCApplicationApproved', 'issuance-lc-applications')),
    );
    tree = spanTree(spans);
    submit = spans.find(
      (span) =>
        span.name === 'POST /api/lc-applications/:id/submit' && attribute(span, 'url.path')?.includes(id),
    )!;
    expect(submit, 'the submission made a span').toBeDefined();
    trace = tree.inTrace(traceIdOf(submit));
  }, HOST_START_MS);

  afterAll(async () => {
    await api?.close();
    await telemetry?.shutdown();
  });

  it("starts at the applicant's submit request, a server span of its own trace", () => {
    expect(submit.kind).toBe(SpanKind.SERVER);
    expect(submit.parentSpanContext).toBeUndefined();
  });

  it('holds the checks of Compliance and Customer Onboarding, the saga, the approval and Issuance', () => {
    const consumers = trace.filter((span) => span.kind === SpanKind.CONSUMER);
    for (const [type, group] of [
      ['lcapplications.LCApplicationSubmitted', 'compliance-lc-applications'],
      ['lcapplications.LCApplicationSubmitted', 'onboarding-lc-applications'],
      ['lcapplications.LCApplicationSubmitted', SAGA_GROUP],
      ['compliance.ProductValueValidated', 'lc-applications-product-checks'],
      ['compliance.ProductLegalityValidated', 'lc-applications-product-checks'],
      ['onboarding.ApplicantCreditValidated', 'lc-applications-applicant-checks'],
      ['compliance.ProductValueValidated', SAGA_GROUP],
      ['compliance.ProductLegalityValidated', SAGA_GROUP],
      ['onboarding.ApplicantCreditValidated', SAGA_GROUP],
      ['lcapplications.ApproveLCApplication', 'lc-applications-commands'],
      ['lcapplications.LCApplicationApproved', SAGA_GROUP],
      ['lcapplications.LCApplicationApproved', 'issuance-lc-applications'],
      ['reply.Success', SAGA_GROUP],
    ] as const)
      expect(
        consumers.filter((span) => handles(span, type, group)),
        `${type} handled by ${group}`,
      ).toHaveLength(1);
    const sources = new Set(consumers.map((span) => attribute(span, 'tessera.message.source')));
    expect([...sources].sort()).toEqual(['auto-approval', 'compliance', 'lc-applications', 'onboarding']);
  });

  it("makes every handling a child of its message's producer, back to the submit request", () => {
    for (const span of trace.filter((each) => each.kind === SpanKind.CONSUMER)) {
      const source = attribute(span, 'tessera.message.source')!;
      const producer = tree.handlingAbove(span)!;
      expect(producer, `the producer of ${span.name}`).toBeDefined();
      if (producer !== submit)
        expect(
          groupIsOf(groupOf(producer), source),
          `${span.name} (${groupOf(span)}) under ${producer.name} (${groupOf(producer)})`,
        ).toBe(true);
      expect(tree.ancestorsOf(span)).toContain(submit);
    }
    // The approval is asked for by the saga, on hearing the last of the three checks.
    const approve = trace.find((span) => handles(span, 'lcapplications.ApproveLCApplication'))!;
    const path = [approve, ...tree.ancestorsOf(approve)]
      .filter((span) => span.kind === SpanKind.CONSUMER)
      .reverse();
    expect(path.map(groupOf)).toEqual([
      expect.stringMatching(/^(compliance|onboarding)-lc-applications$/),
      SAGA_GROUP,
      'lc-applications-commands',
    ]);
    expect(path[1]!.name).toMatch(/^process (compliance|onboarding)\.\w+Validated$/);
  });

  it("leaves nothing of the application in another trace: the others are the test's reads, or work of none", () => {
    const conversation = attribute(
      trace.find((span) => handles(span, 'lcapplications.ApproveLCApplication'))!,
      'messaging.message.conversation_id',
    );
    expect(conversation).toBeTruthy();
    // Pollers' batches (a relay's send, a projection's) are traces of their own, linked to the messages'
    // traces when they know them: nothing in them names the application.
    expect(tree.strays(submit, traceIdOf(submit), [id, conversation!])).toEqual([]);
  });

  it("verifies the applicant's address as a client call to the postal service, in the change's trace, with no address in it", () => {
    const verification = drafting.spans.filter((span) => span.name === 'addresses validate');
    expect(verification).toHaveLength(1);
    const [call] = verification as [ReadableSpan];
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.attributes).toMatchObject({ 'peer.service': 'usps', 'tessera.port.operation': 'validate' });
    expect(drafting.handlingAbove(call)?.name).toBe('POST /api/lc-applications/:id/change-applicant');
    expect(JSON.stringify([call.attributes, call.events])).not.toMatch(/PENNSYLVANIA|20500|Washington/i);
  });

  // The process manager's moves (ADR 0045): one span per message that moved the instance, the approval
  // asked for from the move on the last check, the approval's reply a move of its own; and the appends.
  it("has the process manager's moves in the trace, the approval asked for from one of them", () => {
    const moves = trace.filter((span) => span.name.startsWith(`process manager ${AUTO_APPROVAL} `));
    expect(moves.length).toBeGreaterThan(0);
    for (const span of moves) {
      expect(span.kind).toBe(SpanKind.INTERNAL);
      expect(span.attributes).toMatchObject({ 'tessera.saga.name': AUTO_APPROVAL, 'tessera.saga.id': id });
    }
    const approve = trace.find((span) => handles(span, 'lcapplications.ApproveLCApplication'))!;
    const asking = tree
      .ancestorsOf(approve)
      .find((span) => span.name.startsWith(`process manager ${AUTO_APPROVAL} `));
    expect(asking?.attributes['tessera.saga.outcome']).toBe('running');
    expect(moves.map((span) => span.name)).toContain(`process manager ${AUTO_APPROVAL} reply`);
    expect(trace.some((span) => span.name.startsWith('append lc'))).toBe(true);
  });
});
