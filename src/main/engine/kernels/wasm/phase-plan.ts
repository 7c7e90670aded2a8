/**
 * The sub-pixel ("phase") decomposition of a strided transposed convolution along one axis.
 *
 * With stride s, output row i = Y*s + a (phase a) only ever meets the kernel taps
 * kh = r_a + s*j, where r_a = (a + pad) mod s, and reads dy rows Y + off_a - j with
 * off_a = floor((a + pad) / s). So each phase is a plain stride-1 correlation of the undilated dy
 * with a sub-kernel, and no multiplication by an inserted zero ever happens. All phases are laid
 * over one common window of dy offsets [dMin, dMax] so they become the output channels of a single
 * convolution, interleaved afterwards by DepthToSpace.
 */

/** One axis of the plan. */
export interface AxisPhasePlan {
  stride: number
  /** Length of the common window of dy offsets (filter size of the combined conv). */
  window: number
  /** dy offset of window position 0 (<= 0; padding before = -dMin). */
  dMin: number
  /** Rows per phase in the output (ceil(inSize / stride)). */
  perPhase: number
  /** Padding after dy so every phase output row has its window inside the padded dy. */
  padAfter: number
  /** tapOf[a][t]: kernel tap used by phase a at window position t, or -1 for none. */
  tapOf: number[][]
}

/**
 * Plans one axis. `inSize` is the size of the gradient being computed (the forward conv's input),
 * `outSize` the size of dy, `pad` the forward conv's leading padding.
 */
export function planAxis(kernel: number, stride: number, pad: number, inSize: number, outSize: number): AxisPhasePlan {
  const offs: number[] = []
  const taps: number[] = []
  const rs: number[] = []
  let dMin = 0 // include 0 so padding before is never negative (costs zero taps only in rare cases)
  let dMax = Number.NEGATIVE_INFINITY
  for (let a = 0; a < stride; a++) {
    const r = (a + pad) % stride
    const off = Math.floor((a + pad) / stride)
    const count = r < kernel ? Math.ceil((kernel - r) / stride) : 0
    rs.push(r)
    offs.push(off)
    taps.push(count)
    if (count > 0) {
      dMin = Math.min(dMin, off - count + 1)
      dMax = Math.max(dMax, off)
    }
  }
  if (!Number.isFinite(dMax)) dMax = dMin
  const window = dMax - dMin + 1
  const perPhase = Math.ceil(inSize / stride)
  const tapOf: number[][] = []
  for (let a = 0; a < stride; a++) {
    const row: number[] = []
    for (let t = 0; t < window; t++) {
      const j = (offs[a] ?? 0) - (dMin + t)
      row.push(j >= 0 && j < (taps[a] ?? 0) ? (rs[a] ?? 0) + stride * j : -1)
    }
    tapOf.push(row)
  }
  // Last dy row read: (perPhase - 1) + dMax. A negative value means dy has rows no output needs:
  // the conv then yields extra rows, which the final crop removes.
  const padAfter = Math.max(0, perPhase - 1 + dMax - (outSize - 1))
  return { stride, window, dMin, perPhase, padAfter, tapOf }
}
