import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind, startTelemetry, type Telemetry } from '@tessera/platform/observability';
import { postgresTestDatabase, spanTree, unknownId } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARISTA, HOST_START_MS, type ShopsHost, startShopsHost } from '../coffee-shops/support.js';

const purchasePath = (id: string) => `/api/coffee-shops/purchases/${id}`;

// The card provider is CoffeeCo's one true external: each charge a CLIENT span of the till's request.
describe('a card purchase charges the card as a client call to the card provider, in the purchase’s trace', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let api: ShopsHost;
  let storeId: string;

  beforeAll(async () => {
    telemetry = startTelemetry({ spanExporter: exporter });
    api = await startShopsHost(postgresTestDatabase);
    storeId = await api.openStore([['Latte', 330]]);
  }, HOST_START_MS);
  afterAll(async () => {
    await api?.close();
    await telemetry?.shutdown();
  });

  /** The purchase's card charges and the request they ran in. */
  const buy = async (cardToken: string) => {
    const id = unknownId();
    exporter.reset();
    await api
      .as(BARISTA)
      .call('PUT', purchasePath(id), { storeId, items: ['Latte'], means: 'card', cardToken });
    await telemetry.flush();
    const tree = spanTree(exporter.getFinishedSpans());
    const charges = tree.spans.filter((span) => span.name === 'cards charge');
    return { charges, requestOf: (span: ReadableSpan) => tree.handlingAbove(span), id };
  };

  it('names the provider and the operation, under the purchase request, with no card or amount in it', async () => {
    const { charges, requestOf, id } = await buy('tok_visa');
    expect(charges).toHaveLength(1);
    const [charge] = charges as [ReadableSpan];
    expect(charge.kind).toBe(SpanKind.CLIENT);
    expect(charge.attributes).toEqual({
      'peer.service': 'card-provider',
      'tessera.port': 'cards',
      'tessera.port.operation': 'charge',
    });
    expect(charge.status.code).not.toBe(SpanStatusCode.ERROR);
    const request = requestOf(charge);
    expect(request?.name).toBe('PUT /api/coffee-shops/purchases/:purchaseId');
    expect(String(request?.attributes['url.path'])).toContain(id);
  });

  it('marks a declined charge as failed, without the card token', async () => {
    const { charges } = await buy('tok_chargeDeclinedInsufficientFunds');
    expect(charges).toHaveLength(1);
    const [charge] = charges as [ReadableSpan];
    expect(charge.status).toMatchObject({
      code: SpanStatusCode.ERROR,
      message: 'Your card has insufficient funds.',
    });
    expect(JSON.stringify([charge.attributes, charge.events])).not.toContain('tok_');
  });
});
