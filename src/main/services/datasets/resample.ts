/**
 * Resizing one small grey image in plain JS. IDX imports resize tens of thousands of 28×28
 * images (e.g. MNIST to 32 for a DCGAN); one sharp call each costs ~1.5 ms of fixed overhead,
 * this costs a few microseconds. Bilinear when enlarging, area average when shrinking, pixel
 * centres aligned (the same geometry libvips uses), so the result matches sharp within rounding.
 */

/** Resizes `src` (w×h, 1 channel) to `dw×dh`. */
export function resizeGrey(src: Uint8Array, w: number, h: number, dw: number, dh: number): Uint8Array {
  if (w === dw && h === dh) return src.slice()
  const xs = weights(w, dw)
  const ys = weights(h, dh)
  // Horizontal pass into floats, then vertical.
  const tmp = new Float32Array(dw * h)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < dw; x++) {
      const wx = xs[x]!
      let acc = 0
      for (let k = 0; k < wx.idx.length; k++) acc += (src[y * w + wx.idx[k]!] ?? 0) * wx.w[k]!
      tmp[y * dw + x] = acc
    }
  }
  const out = new Uint8Array(dw * dh)
  for (let y = 0; y < dh; y++) {
    const wy = ys[y]!
    for (let x = 0; x < dw; x++) {
      let acc = 0
      for (let k = 0; k < wy.idx.length; k++) acc += tmp[wy.idx[k]! * dw + x]! * wy.w[k]!
      out[y * dw + x] = Math.max(0, Math.min(255, Math.round(acc)))
    }
  }
  return out
}

interface Taps {
  idx: number[]
  w: number[]
}

/** Source taps and weights for each destination index along one axis. */
function weights(n: number, dn: number): Taps[] {
  const scale = n / dn
  const out: Taps[] = []
  for (let d = 0; d < dn; d++) {
    const taps: Taps = { idx: [], w: [] }
    if (scale <= 1) {
      // Enlarging: linear interpolation between the two nearest source centres.
      const s = Math.max(0, Math.min(n - 1, (d + 0.5) * scale - 0.5))
      const i0 = Math.floor(s)
      const i1 = Math.min(n - 1, i0 + 1)
      const f = s - i0
      taps.idx.push(i0, i1)
      taps.w.push(1 - f, f)
    } else {
      // Shrinking: the exact overlap of each source pixel with the destination pixel's footprint.
      const from = d * scale
      const to = (d + 1) * scale
      for (let i = Math.floor(from); i < Math.min(n, Math.ceil(to)); i++) {
        const overlap = Math.min(to, i + 1) - Math.max(from, i)
        if (overlap > 0) {
          taps.idx.push(i)
          taps.w.push(overlap / scale)
        }
      }
    }
    out.push(taps)
  }
  return out
}
