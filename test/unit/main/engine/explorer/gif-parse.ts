/** A minimal GIF reader for tests: enough structure to count frames and read their delays. */

/** Reads an animated GIF's logical screen size, frame count and frame delays (in 1/100 s). */
export function parseGif(b: Uint8Array): {
  version: string
  width: number
  height: number
  frames: number
  delays: number[]
  loops: boolean
} {
  const version = Buffer.from(b.subarray(0, 6)).toString('latin1')
  const width = (b[6] as number) | ((b[7] as number) << 8)
  const height = (b[8] as number) | ((b[9] as number) << 8)
  const flags = b[10] as number
  let p = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0)
  let frames = 0
  let loops = false
  const delays: number[] = []
  const skipSubBlocks = (): void => {
    while (b[p] !== 0) p += (b[p] as number) + 1
    p += 1
  }
  for (;;) {
    const t = b[p]
    if (t === 0x3b) break
    if (t === 0x21) {
      const label = b[p + 1]
      if (label === 0xf9) delays.push((b[p + 4] as number) | ((b[p + 5] as number) << 8))
      if (label === 0xff && Buffer.from(b.subarray(p + 3, p + 14)).toString('latin1') === 'NETSCAPE2.0')
        loops = true
      p += 2
      skipSubBlocks()
    } else if (t === 0x2c) {
      frames += 1
      const f = b[p + 9] as number
      p += 10 + (f & 0x80 ? 3 * 2 ** ((f & 7) + 1) : 0)
      p += 1 // LZW minimum code size
      skipSubBlocks()
    } else throw new Error(`unexpected GIF block 0x${(t ?? 0).toString(16)} at ${p}`)
  }
  return { version, width, height, frames, delays, loops }
}
