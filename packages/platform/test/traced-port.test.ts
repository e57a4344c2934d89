import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { inSpan, SpanKind, startTelemetry, tracedPort } from '@tessera/platform/observability';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

class Provider {
  readonly #sent: string[] = [];
  get sent(): readonly string[] {
    return this.#sent;
  }
  async send(to: string, text: string): Promise<string> {
    await Promise.resolve();
    if (text === 'fail') throw new Error('the provider refused');
    this.#sent.push(`${to}: ${text}`);
    return 'accepted';
  }
  async status(): Promise<string> {
    return 'up';
  }
}

describe('a traced port', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: ReturnType<typeof startTelemetry>;
  beforeAll(() => {
    telemetry = startTelemetry({ spanExporter: exporter });
  });
  afterAll(() => telemetry.shutdown());
  beforeEach(() => exporter.reset());

  const spans = async () => {
    await telemetry.flush();
    return exporter.getFinishedSpans();
  };

  it('makes each call a CLIENT span of the caller, named by port and operation, without its arguments', async () => {
    const provider = new Provider();
    const port = tracedPort('sms', provider, { peerService: 'sms-provider', operations: { send: 'send' } });
    const answer = await inSpan('work', {}, () => port.send('+15551234567', 'Your order is ready'));
    expect(answer).toBe('accepted');
    // The class's private state is the provider's own: the proxy calls it as itself.
    expect(port.sent).toEqual(['+15551234567: Your order is ready']);
    const [call, work] = await spans();
    expect(call).toMatchObject({
      name: 'sms send',
      kind: SpanKind.CLIENT,
      attributes: { 'peer.service': 'sms-provider', 'tessera.port': 'sms', 'tessera.port.operation': 'send' },
    });
    expect(call!.parentSpanContext?.spanId).toBe(work!.spanContext().spanId);
    expect(call!.spanContext().traceId).toBe(work!.spanContext().traceId);
    const recorded = JSON.stringify([call!.attributes, call!.events]);
    expect(recorded).not.toContain('5551234567');
    expect(recorded).not.toContain('ready');
  });

  it('marks a call that throws as failed, and rethrows', async () => {
    const port = tracedPort('sms', new Provider(), { peerService: 'sms-provider' });
    await expect(port.send('+15550000000', 'fail')).rejects.toThrow('the provider refused');
    const [call] = await spans();
    expect(call?.name).toBe('sms send');
    expect(call?.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'the provider refused' });
  });

  it('traces every method when no operations are named, and only those named otherwise', async () => {
    const all = tracedPort('cards', new Provider(), { peerService: 'card-provider' });
    await all.status();
    const some = tracedPort('cards', new Provider(), {
      peerService: 'card-provider',
      operations: { send: 'charge' },
    });
    expect(await some.status()).toBe('up');
    await some.send('tok_visa', 'coffee');
    expect((await spans()).map((span) => span.name)).toEqual(['cards status', 'cards charge']);
  });
});
