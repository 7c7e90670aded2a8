/** Small statistics and process-memory helpers for the benchmark. */

/** The q-quantile (0..1) of `values` by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[idx] as number
}

/** Resident set size in MB. */
export function rssMb(): number {
  return process.memoryUsage().rss / 1024 / 1024
}

/** Rounds for display/JSON without pretending to more precision than a timer has. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
