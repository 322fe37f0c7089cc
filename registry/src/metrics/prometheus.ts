/**
 * A tiny metrics registry rendering the Prometheus text exposition format 0.0.4: counters,
 * histograms and gauges read at scrape time. Per process, in memory, no dependencies.
 *
 * The hot path is a Map lookup per label value and an addition: no string is built. A series is
 * created, and its label text rendered, the first time its label values are seen. Label values
 * must come from a bounded set (a route pattern, never a raw path).
 */

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface Counter {
  /** Adds `by` (default 1) to the series of `labels`, given in the order of the label names. */
  inc(labels?: readonly string[], by?: number): void;
}

export interface Histogram {
  observe(labels: readonly string[], value: number): void;
}

export interface MetricOptions {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export interface MetricsRegistry {
  counter(options: MetricOptions): Counter;
  /** `buckets`: upper bounds in increasing order; `+Inf` is added. */
  histogram(options: MetricOptions & { buckets: readonly number[] }): Histogram;
  /** A value read when scraped (memory, uptime). */
  gauge(options: { name: string; help: string; read: () => number }): void;
  /** Every metric as exposition text. */
  render(): string;
}

interface CounterSeries {
  labels: string;
  value: number;
}

interface HistogramSeries {
  labels: string;
  /** Observations per bucket, not cumulative; the last slot is `+Inf`. */
  counts: number[];
  sum: number;
  count: number;
}

/** @example const m = createMetricsRegistry(); m.counter({ name: 'x_total', help: 'X' }).inc(); m.render() */
export function createMetricsRegistry(): MetricsRegistry {
  const renderers: (() => string)[] = [];
  return {
    counter({ name, help, labelNames = [] }) {
      const series = createSeriesTable<CounterSeries>(labelNames, (labels) => ({ labels, value: 0 }));
      if (labelNames.length === 0) series.get([]);
      renderers.push(() => {
        let out = header(name, help, 'counter');
        for (const s of series.all) out += `${name}${s.labels} ${formatValue(s.value)}\n`;
        return out;
      });
      return {
        inc(labels = [], by = 1) {
          series.get(labels).value += by;
        },
      };
    },

    histogram({ name, help, labelNames = [], buckets }) {
      const les = [...buckets.map(formatValue), '+Inf'];
      const series = createSeriesTable<HistogramSeries>(labelNames, (labels) => ({
        labels,
        counts: les.map(() => 0),
        sum: 0,
        count: 0,
      }));
      renderers.push(() => {
        let out = header(name, help, 'histogram');
        for (const s of series.all) {
          let cumulative = 0;
          for (let i = 0; i < les.length; i++) {
            cumulative += s.counts[i]!;
            out += `${name}_bucket${withLabel(s.labels, `le="${les[i]}"`)} ${cumulative}\n`;
          }
          out += `${name}_sum${s.labels} ${formatValue(s.sum)}\n${name}_count${s.labels} ${s.count}\n`;
        }
        return out;
      });
      return {
        observe(labels, value) {
          const s = series.get(labels);
          let i = 0;
          while (i < buckets.length && value > buckets[i]!) i++;
          s.counts[i]!++;
          s.sum += value;
          s.count++;
        },
      };
    },

    gauge({ name, help, read }) {
      renderers.push(() => `${header(name, help, 'gauge')}${name} ${formatValue(read())}\n`);
    },

    render() {
      return renderers.map((r) => r()).join('');
    },
  };
}

/**
 * Series by label values, in nested Maps (one level per label), so a lookup builds no key.
 * `make` gets the rendered label text, `{a="1",b="2"}`.
 */
function createSeriesTable<T>(labelNames: readonly string[], make: (labels: string) => T) {
  const root = new Map<string, unknown>();
  const all: T[] = [];
  return {
    /** In the order they were first seen. */
    all,
    get(values: readonly string[]): T {
      let node = root;
      for (let i = 0; i < labelNames.length - 1; i++) {
        let next = node.get(values[i]!) as Map<string, unknown> | undefined;
        if (!next) {
          next = new Map();
          node.set(values[i]!, next);
        }
        node = next;
      }
      const last = values[labelNames.length - 1] ?? '';
      let series = node.get(last) as T | undefined;
      if (series === undefined) {
        series = make(labelText(labelNames, values));
        node.set(last, series);
        all.push(series);
      }
      return series;
    },
  };
}

function header(name: string, help: string, type: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
}

/** `{a="1",b="2"}`, or '' without labels. */
function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return '';
  return `{${names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`).join(',')}}`;
}

function withLabel(labels: string, extra: string): string {
  return labels === '' ? `{${extra}}` : `${labels.slice(0, -1)},${extra}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}
