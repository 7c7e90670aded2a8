/**
 * The sub-pixel ("phase") decomposition of a strided transposed convolution along one axis.
 *
 * With stride s, output row i = Y*s + a (phase a) only ever meets the kernel taps
 * kh = r_a + s*j, where r_a = (a + pad) mod s, and reads dy rows Y + off_a - j with
 * off_a = floor((a + pad) / s). So each phase is a plain stride-1 correlation of the undilated dy
 * with a sub-kernel, and no multiplication by an inserted zero ever happens.
 */

/** One phase of one axis. */
export interface AxisPhase {
  /** First kernel tap of this phase. */
  r: number
  /** dy offset of the phase's tap j = 0. */
  off: number
  /** Number of kernel taps the phase uses (0 when the kernel is smaller than the stride). */
  taps: number
  /** Output rows of this phase inside the gradient: ceil((inSize - a) / s). */
  rows: number
}

/** One axis of the plan. */
export interface AxisPlan {
  stride: number
  inSize: number
  outSize: number
  phases: AxisPhase[]
}

/** Plans one axis: `inSize` is the gradient's size, `outSize` dy's, `pad` the forward's leading pad. */
export function planAxis(
  kernel: number,
  stride: number,
  pad: number,
  inSize: number,
  outSize: number
): AxisPlan {
  const phases: AxisPhase[] = []
  for (let a = 0; a < stride; a++) {
    const r = (a + pad) % stride
    phases.push({
      r,
      off: Math.floor((a + pad) / stride),
      taps: r < kernel ? Math.ceil((kernel - r) / stride) : 0,
      rows: Math.max(0, Math.ceil((inSize - a) / stride))
    })
  }
  return { stride, inSize, outSize, phases }
}

/**
 * A window of dy offsets shared by a group of phases, so they can be the output channels of one
 * convolution (the window holds zero taps where a phase has none).
 */
export interface PhaseWindow {
  /** dy offset at window position 0 (<= 0, so the leading padding is -dMin). */
  dMin: number
  /** Window length: the combined conv's filter size on this axis. */
  size: number
  padBefore: number
  padAfter: number
  /** tapOf[p][t]: kernel tap of the group's p-th phase at window position t, or -1. */
  tapOf: number[][]
}

/** The common window of phases `group` (indices into plan.phases). */
export function phaseWindow(plan: AxisPlan, group: readonly number[]): PhaseWindow {
  // Including offset 0 keeps the leading padding non-negative; it only adds zero taps in rare
  // explicit-padding cases.
  let dMin = 0
  let dMax = 0
  let rows = 0
  for (const a of group) {
    const p = plan.phases[a]
    if (p === undefined) continue
    rows = Math.max(rows, p.rows)
    if (p.taps === 0) continue
    dMin = Math.min(dMin, p.off - p.taps + 1)
    dMax = Math.max(dMax, p.off)
  }
  const size = dMax - dMin + 1
  const tapOf = group.map((a) => {
    const p = plan.phases[a]
    const row: number[] = []
    for (let t = 0; t < size; t++) {
      const j = (p?.off ?? 0) - (dMin + t)
      row.push(p !== undefined && j >= 0 && j < p.taps ? p.r + plan.stride * j : -1)
    }
    return row
  })
  // The last output row a phase needs reads dy row (rows - 1) + dMax. When dy has rows beyond
  // that, the conv yields extra rows, which the interleave skips.
  const padAfter = Math.max(0, rows - 1 + dMax - (plan.outSize - 1))
  return { dMin, size, padBefore: -dMin, padAfter, tapOf }
}

/** Multiply-adds per output pixel of a grouped conv relative to the exact per-phase sum (>= 1). */
export function combinedWaste(h: AxisPlan, w: AxisPlan): number {
  const all = (p: AxisPlan): number[] => p.phases.map((_, i) => i)
  const wh = phaseWindow(h, all(h))
  const ww = phaseWindow(w, all(w))
  let exact = 0
  for (const ph of h.phases) for (const pw of w.phases) exact += ph.taps * pw.taps
  const combined = wh.size * ww.size * h.stride * w.stride
  return exact === 0 ? 1 : combined / exact
}
