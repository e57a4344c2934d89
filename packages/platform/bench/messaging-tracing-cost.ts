/**
 * What tracing costs the messaging pipeline when no trace is exported (issue 19: less than 5 % of its
 * throughput). The default (no `OTEL_*` endpoint: a tracer that records nothing but makes ids, ADR 0045)
 * against `OTEL_SDK_DISABLED=true` (no tracer at all: the API's no-op, context and propagation only). The
 * tracer is process-global, so each measure is a process of its own running this benchmark on one workload
 * (`--only`); the two alternate, in ABBA order so that a drift of the machine weighs on both alike. Each
 * child prints its results as a `RESULT` line of JSON; this prints every round, the medians and the ratios.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { newEnvelope } from '@tessera/platform/messaging';
import { handlingOf } from '../src/messaging/envelope.js';
import { median } from './messaging-support.js';

/** What a child measured of one workload. */
export interface Measure {
  readonly id: string;
  readonly label: string;
  readonly rate: number;
  /** CPU of the whole Node process (every thread) per message handled, in ms: where tracing costs. */
  readonly cpuMsPerMessage: number;
  readonly error?: string;
}

export const RESULT_PREFIX = 'RESULT ';

/**
 * The `handling` workload: what wraps one handling (its span, context, conversation and handler metrics)
 * around a handler that does nothing, CPU only: the pipelines' difference between the variants, without
 * their noise. The message carries a producer's traceparent, as most do.
 */
export async function handlingMeasure(count: number): Promise<Measure> {
  const message = {
    ...newEnvelope('bench', { type: 'bench.OrderPlaced', subject: 'bench.orders', key: 'k', data: {} }),
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  };
  const site = { group: 'bench-handling' };
  const nothing = async () => {};
  for (let i = 0; i < Math.min(count, 20_000); i++) await handlingOf(message, nothing, site);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) await handlingOf(message, nothing, site);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    id: 'handling',
    label: 'one handling around a handler doing nothing',
    rate: count / seconds,
    cpuMsPerMessage: (used.user + used.system) / 1000 / count,
  };
}

const VARIANTS = {
  default: 'default (no endpoint: ids only)',
  disabled: 'OTEL_SDK_DISABLED=true (no tracer)',
} as const;
type Variant = keyof typeof VARIANTS;

/** The environment of a child: no endpoint in either; the SDK disabled in one. */
function environmentOf(variant: Variant): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('OTEL_')) delete env[name];
  if (variant === 'disabled') env.OTEL_SDK_DISABLED = 'true';
  return env;
}

function runChild(
  script: string,
  variant: Variant,
  workload: string,
  args: readonly string[],
): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, script, '--only', workload, '--json', ...args],
      {
        env: environmentOf(variant),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      const found = line ? (JSON.parse(line.slice(RESULT_PREFIX.length)) as Measure[]) : [];
      const measure = found.find((m) => m.id === workload);
      if (measure) resolve(measure);
      else
        reject(
          new Error(`${workload} (${variant}) exited with ${code} and no result:\n${output.slice(-2000)}`),
        );
    });
  });
}

const percent = (ratio: number) => `${((ratio - 1) * 100).toFixed(1)} %`;

/**
 * Runs `rounds` pairs of children per workload and prints the comparison. `args` are passed on (message
 * count, concurrency…).
 */
export async function tracingCost(
  script: string,
  workloads: readonly string[],
  rounds: number,
  args: readonly string[],
): Promise<void> {
  console.log(
    `Tracing cost: ${VARIANTS.default} against ${VARIANTS.disabled}; ${rounds} rounds, alternating (ABBA), a process per measure`,
  );
  let handlingExtraUs: number | undefined;
  for (const workload of workloads) {
    const measured: Record<Variant, Measure[]> = { default: [], disabled: [] };
    for (let round = 0; round < rounds; round++) {
      const order: Variant[] = round % 2 === 0 ? ['default', 'disabled'] : ['disabled', 'default'];
      for (const variant of order) {
        const measure = await runChild(script, variant, workload, args);
        if (measure.error) throw new Error(`${workload} (${variant}): ${measure.error}`);
        measured[variant].push(measure);
        console.log(
          `  ${workload} round ${round + 1} ${variant.padEnd(8)} ${measure.rate.toFixed(0).padStart(6)} msg/s  ${(measure.cpuMsPerMessage * 1000).toFixed(1)} µs CPU/msg`,
        );
      }
    }
    const label = measured.default[0]!.label;
    const rates = (v: Variant) => measured[v].map((m) => m.rate);
    const cpu = (v: Variant) => measured[v].map((m) => m.cpuMsPerMessage);
    const pairedRate = median(measured.default.map((m, i) => m.rate / measured.disabled[i]!.rate));
    const pairedCpu = median(
      measured.default.map((m, i) => m.cpuMsPerMessage / measured.disabled[i]!.cpuMsPerMessage),
    );
    const loss = 1 - pairedRate;
    console.log('');
    console.log(`  ${label}:`);
    for (const variant of ['default', 'disabled'] as const)
      console.log(
        `    ${VARIANTS[variant].padEnd(38)} median ${median(rates(variant)).toFixed(0).padStart(6)} msg/s (${rates(
          variant,
        )
          .map((r) => r.toFixed(0))
          .join(', ')}); median ${(median(cpu(variant)) * 1000).toFixed(2)} µs CPU/msg`,
      );
    console.log(
      `    throughput default/disabled: median of the paired ratios ${pairedRate.toFixed(3)} (${percent(pairedRate)}); ratio of the medians ${(median(rates('default')) / median(rates('disabled'))).toFixed(3)}`,
    );
    console.log(
      `    CPU per message default/disabled: median of the paired ratios ${pairedCpu.toFixed(3)} (${percent(pairedCpu)})`,
    );
    if (workload === 'handling') {
      const extra = (median(cpu('default')) - median(cpu('disabled'))) * 1000;
      handlingExtraUs = extra;
      console.log(`    tracing adds ${extra.toFixed(2)} µs of CPU per handling (difference of the medians)`);
    } else {
      if (handlingExtraUs !== undefined)
        console.log(
          `    that is ${((handlingExtraUs / 1000 / median(cpu('disabled'))) * 100).toFixed(2)} % of this pipeline's Node CPU per message`,
        );
      console.log(
        `    target: less than 5 % throughput lost: ${loss < 0.05 ? 'MET' : 'MISSED'} (${(loss * 100).toFixed(1)} % lost)`,
      );
    }
    console.log('');
  }
}
