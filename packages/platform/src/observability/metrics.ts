import { type Span, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import client from 'prom-client';

/**
 * The process's Prometheus registry, served at `/metrics`. One per process: in the distributed topology each
 * module process exposes its own. Each part defines its own metrics on it (eventstore/metrics.ts,
 * messaging/metrics.ts, http/metrics.ts…), with the helpers below.
 */
export const metricsRegistry = new client.Registry();
client.collectDefaultMetrics({ register: metricsRegistry });

interface MetricDefinition<Label extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly Label[];
}

/**
 * The metric named `definition.name` on the shared registry: made by `kind` the first time, found again when
 * the file defining it is loaded a second time (prom-client refuses a second registration of a name).
 */
function defineOnce<Metric, Definition extends MetricDefinition<string>>(
  kind: new (configuration: Definition & { registers: client.Registry[] }) => Metric,
  definition: Definition,
): Metric {
  const existing = metricsRegistry.getSingleMetric(definition.name);
  if (existing === undefined)
    return new kind({ ...definition, labelNames: definition.labelNames ?? [], registers: [metricsRegistry] });
  if (!(existing instanceof kind))
    throw new Error(`metric ${definition.name} is already defined as another kind`);
  return existing;
}

/** A counter on the shared registry, defined once. */
export function defineCounter<Label extends string = never>(
  definition: MetricDefinition<Label>,
): client.Counter<Label> {
  return defineOnce(client.Counter<Label>, definition);
}

/** A histogram on the shared registry, defined once. */
export function defineHistogram<Label extends string = never>(
  definition: MetricDefinition<Label> & { readonly buckets: readonly number[] },
): client.Histogram<Label> {
  return defineOnce(client.Histogram<Label>, { ...definition, buckets: [...definition.buckets] });
}

/** A histogram of durations that keeps, per bucket, the trace of its latest sampled measure (an exemplar). */
export interface TracedHistogram<Label extends string> {
  /** Observes `seconds` taken in `sampled` (by default the active span's, if it is sampled). */
  observe(labels: Partial<Record<Label, string>>, seconds: number, sampled?: SpanContext): void;
}

/**
 * A histogram on the shared registry, defined once, whose buckets carry exemplars: the trace and span ids of
 * a sampled measure, served in the OpenMetrics answer of `/metrics` (ADR 0046), so that a latency panel's
 * outlier opens its trace. Without traces exported no span is recorded: no exemplar.
 */
export function defineTracedHistogram<Label extends string = never>(
  definition: MetricDefinition<Label> & { readonly buckets: readonly number[] },
): TracedHistogram<Label> {
  let histogram = metricsRegistry.getSingleMetric(definition.name) as client.Histogram<Label> | undefined;
  if (histogram === undefined) {
    // prom-client refuses exemplars on a metric made for a Prometheus-text registry, not one registered there.
    histogram = new client.Histogram<Label>({
      ...definition,
      labelNames: definition.labelNames ?? [],
      buckets: [...definition.buckets],
      enableExemplars: true,
      registers: [],
    });
    metricsRegistry.registerMetric(histogram);
  }
  // Typed by its exemplar's labels, not its own.
  const found = histogram as unknown as client.Histogram<string>;
  return {
    observe: (labels, seconds, sampled = sampledSpanContext()) => {
      found.observe({
        labels,
        value: seconds,
        ...(sampled ? { exemplarLabels: { trace_id: sampled.traceId, span_id: sampled.spanId } } : {}),
      });
    },
  };
}

/**
 * The ids of `span` (the active one by default) when it is recorded and sampled: its trace is kept, an
 * exemplar may point to it. Read it while the span runs: an ended span records nothing.
 */
export function sampledSpanContext(span: Span | undefined = trace.getActiveSpan()): SpanContext | undefined {
  if (!span?.isRecording()) return undefined;
  const spanContext = span.spanContext();
  return spanContext.traceFlags & TraceFlags.SAMPLED ? spanContext : undefined;
}

type MetricData = client.MetricObjectWithValues<client.MetricValue<string>>;
/** prom-client's rendering of one metric family (untyped: its registry's own method). */
interface FamilyRenderer {
  getMetricsAsString(metric: { getForPromString(): Promise<MetricData> }): Promise<string>;
}
const openMetrics = new client.Registry<client.OpenMetricsContentType>();
openMetrics.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE);
const openMetricsFamily = openMetrics as unknown as FamilyRenderer;

/**
 * What `/metrics` answers to a scraper accepting `accept`: OpenMetrics (with exemplars) when it asks for it,
 * the Prometheus text format otherwise. prom-client's own OpenMetrics rendering renames the counters it
 * serves (`x_total` becomes `x`) for good, which would break the Prometheus answer after it: the counters are
 * handed to it under their OpenMetrics family name instead.
 */
export async function metricsAnswer(accept = ''): Promise<{ contentType: string; body: string }> {
  if (!accept.includes('application/openmetrics-text'))
    return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
  const families = await Promise.all(
    (metricsRegistry.getMetricsAsArray() as unknown as client.Metric[]).map((metric) =>
      openMetricsFamily.getMetricsAsString({
        getForPromString: async () => {
          // Histograms give their `le` apart from their labels there, as the registry's own rendering asks.
          const own = (metric as unknown as { getForPromString?: () => Promise<MetricData> })
            .getForPromString;
          const data = own ? await own.call(metric) : await metric.get();
          return String(data.type) === 'counter' ? { ...data, name: data.name.replace(/_total$/, '') } : data;
        },
      }),
    ),
  );
  return { contentType: openMetrics.contentType, body: `${families.join('\n')}\n# EOF\n` };
}

/** A gauge on the shared registry, defined once (set by its owner; see `scrapedGauges` for one read at each scrape). */
export function defineGauge<Label extends string = never>(
  definition: MetricDefinition<Label>,
): client.Gauge<Label> {
  return defineOnce(client.Gauge<Label>, definition);
}

/**
 * Histogram buckets for durations, in seconds: one ladder for every part (1 ms to 10 min), cut at the longest
 * that a part measures, so that their panels compare.
 */
export const durationBuckets = (upToSeconds: number): number[] =>
  [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 600].filter(
    (bound) => bound <= upToSeconds,
  );

/** Milliseconds as the seconds Prometheus expects, keeping "unknown" unknown. */
export const secondsOf = (ms: number | undefined): number | undefined =>
  ms === undefined ? undefined : ms / 1000;

/**
 * Gauges read at each scrape from sources registered while something runs (a broker's consumer groups, a
 * projector's lag, a scheduler's pending deadlines). The gauges of one family share one read of the sources
 * per scrape, and a source that fails (the database briefly away; readiness says so) drops its series
 * rather than failing the scrape. Returns how to register a source; the registration returns its removal.
 */
export function scrapedGauges<Row>(family: {
  readonly label: string;
  readonly labelOf: (row: Row) => string;
  readonly gauges: ReadonlyArray<{ name: string; help: string; value: (row: Row) => number | undefined }>;
}): (source: () => Promise<readonly Row[]>) => () => void {
  const sources = new Set<() => Promise<readonly Row[]>>();
  let reading: Promise<Row[]> | undefined;
  const read = () => {
    reading ??= (async () => {
      const all: Row[] = [];
      for (const source of sources) all.push(...(await source().catch(() => [])));
      return all;
    })().finally(() => {
      reading = undefined;
    });
    return reading;
  };
  for (const gauge of family.gauges) {
    new client.Gauge({
      name: gauge.name,
      help: gauge.help,
      labelNames: [family.label],
      registers: [metricsRegistry],
      async collect() {
        const rows = await read();
        this.reset();
        for (const row of rows) {
          const measured = gauge.value(row);
          if (measured !== undefined) this.set({ [family.label]: family.labelOf(row) }, measured);
        }
      },
    });
  }
  return (source) => {
    sources.add(source);
    return () => {
      sources.delete(source);
    };
  };
}
