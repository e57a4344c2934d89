/**
 * What tracing costs the messaging pipeline when no trace is exported (issue 19: less than 5 % of its
 * throughput). The default (no `OTEL_*` endpoint: a tracer that records nothing but makes ids, ADR 0045)
 * against `OTEL_SDK_DISABLED=true` (no tracer at all: the API's no-op, context and propagation only). The
 * tracer is process-global, so each measure is a process of its own running this benchmark on one workload
 * (`--only`); the two alternate, in ABBA order so that a drift of the machine weighs on both alike. Each
 * child prints its results as a `RESULT` line of JSON; this prints every round, the medians and the ratios.
 */
import { spawn } from 'node:child_process';
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
  for (const workload of workloads) {
    const measured: Record<Variant, Measure[]> = { default: [], disabled: [] };
    for (let round = 0; round < rounds; round++) {
      const order: Variant[] = round % 2 === 0 ? ['default', 'disabled'] : ['disabled', 'default'];
      for (const variant of order) {
        const measure = await runChild(script, variant, workload, args);
        if (measure.error) throw new Error(`${workload} (${variant}): ${measure.error}`);
        measured[variant].push(measure);
        console.log(
          `  ${workload} round ${round + 1} ${variant.padEnd(8)} ${measure.rate.toFixed(0).padStart(6)} msg/s  ${measure.cpuMsPerMessage.toFixed(3)} ms CPU/msg`,
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
          .join(', ')}); median ${median(cpu(variant)).toFixed(3)} ms CPU/msg`,
      );
    console.log(
      `    throughput default/disabled: median of the paired ratios ${pairedRate.toFixed(3)} (${percent(pairedRate)}); ratio of the medians ${(median(rates('default')) / median(rates('disabled'))).toFixed(3)}`,
    );
    console.log(
      `    CPU per message default/disabled: median of the paired ratios ${pairedCpu.toFixed(3)} (${percent(pairedCpu)})`,
    );
    console.log(
      `    target: less than 5 % throughput lost: ${loss < 0.05 ? 'MET' : 'MISSED'} (${(loss * 100).toFixed(1)} % lost)`,
    );
    console.log('');
  }
}
