// Latency bookkeeping for the bench: a growable Float64Array per series, and percentiles
// over the sorted values (nearest rank), which at a few hundred thousand values is exact and cheap.

export class Series {
  private data: Float64Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(initialCapacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** A compact copy, suitable for transferring to another thread. */
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

export interface Distribution {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array; p in [0, 100]. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

const round = (n: number) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : null);

/** Sorts (a copy of) the values and summarises them; figures rounded to 0.01 ms. */
export function distribution(values: Float64Array | Float64Array[]): Distribution {
  const parts = Array.isArray(values) ? values : [values];
  const total = parts.reduce((n, a) => n + a.length, 0);
  const sorted = new Float64Array(total);
  let offset = 0;
  let sum = 0;
  for (const a of parts) {
    sorted.set(a, offset);
    offset += a.length;
    for (let i = 0; i < a.length; i++) sum += a[i]!;
  }
  sorted.sort();
  return {
    count: total,
    mean: round(total ? sum / total : NaN) as number,
    p50: round(percentile(sorted, 50)) as number,
    p95: round(percentile(sorted, 95)) as number,
    p99: round(percentile(sorted, 99)) as number,
    max: round(total ? sorted[total - 1]! : NaN) as number,
  };
}

/** Adds counters of `b` into `a`. */
export function mergeCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  for (const [k, v] of Object.entries(b)) a[k] = (a[k] ?? 0) + v;
  return a;
}
