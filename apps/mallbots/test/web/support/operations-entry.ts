import { fileURLToPath } from 'node:url';
import { newEnvelope } from '@tessera/platform/messaging';
import { startTelemetry } from '@tessera/platform/observability';
import { defineApplication, type Module, runCli } from '@tessera/platform/runtime';
import { mallbots } from '../../../src/app.js';

/** Where the test hook's messages go, and the group that fails them while it is "broken". */
export const FRAGILE_SUBJECT = 'mallbots.operationstest.events.Probe';
export const FRAGILE_GROUP = 'operationstest-fragile';

/**
 * A test hook, not a bounded context: what an operator meets in production, made on demand. `POST
 * /api/operationstest/probes` publishes a message to a group whose handler fails (a bug, an outage) until
 * `POST /api/operationstest/repair`, so the dead letter it becomes can be inspected, and re-driven once
 * repaired. Operators only, and only in the system the operations browser test starts.
 */
const operationsTestHook: Module = {
  name: 'operationstest',
  description: 'Test hook of the operations browser test: a consumer that fails until repaired',
  migrations: [],
  async start({ broker, http }) {
    let broken = true;
    const subscribed = await broker.subscribe({
      group: FRAGILE_GROUP,
      subjects: [FRAGILE_SUBJECT],
      maxAttempts: 2,
      backoff: () => 10,
      async handle() {
        if (broken) throw new Error('the probe handler is broken (the test repairs it)');
      },
    });
    http.post(
      '/api/operationstest/probes',
      { config: { audience: { roles: [] } }, schema: { hide: true } },
      async (_request, reply) => {
        const probe = newEnvelope('operationstest', {
          type: 'operationstestapi.ProbeSent',
          subject: FRAGILE_SUBJECT,
          key: crypto.randomUUID(),
          data: { sentBy: 'the operations browser test' },
        });
        await broker.publish([probe]);
        return reply.code(201).send({ id: probe.id, correlationId: probe.correlationId });
      },
    );
    http.post(
      '/api/operationstest/repair',
      { config: { audience: { roles: [] } }, schema: { hide: true } },
      async (_request, reply) => {
        broken = false;
        return reply.code(204).send();
      },
    );
    return { stop: () => subscribed.stop() };
  },
};

/** MallBots as deployed, plus the test hook. */
export const mallbotsUnderTest = defineApplication({
  ...mallbots,
  modules: [...mallbots.modules, operationsTestHook],
});

// Run as the system's entry (`node --import tsx operations-entry.ts start`), as apps/main.ts is.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // As apps/main.ts: a tracer (of ids only, no OTEL_* here) so that messages carry their trace.
  startTelemetry({ serviceName: 'mallbots' });
  await runCli([mallbotsUnderTest], {
    entry: fileURLToPath(import.meta.url),
    cwd: fileURLToPath(new URL('../../../../../', import.meta.url)),
  });
}
