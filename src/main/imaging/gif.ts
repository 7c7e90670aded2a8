/**
 * Animated GIFs of latent walks (gifenc). Grey frames use an exact 256-level grey palette, so a
 * greyscale model loses nothing; colour frames share one palette quantised from all frames, so
 * colours do not flicker between frames.
 */
import { GIFEncoder, applyPalette, quantize, type Palette } from 'gifenc'

/** Frames to encode: interleaved uint8 pixels, all the same size. */
export interface GifFrames {
  frames: readonly Uint8Array[]
  width: number
  height: number
  channels: 1 | 3 | 4
}

function toRgba(px: Uint8Array, channels: 1 | 3 | 4): Uint8Array {
  if (channels === 4) return px
  const n = px.length / channels
  const out = new Uint8Array(n * 4)
  for (let i = 0; i < n; i++) {
    const r = px[i * channels] as number
    out[i * 4] = r
    out[i * 4 + 1] = channels === 1 ? r : (px[i * channels + 1] as number)
    out[i * 4 + 2] = channels === 1 ? r : (px[i * channels + 2] as number)
    out[i * 4 + 3] = 255
  }
  return out
}

const GREY_PALETTE: Palette = Array.from({ length: 256 }, (_, i) => [i, i, i])

/**
 * Encodes an animated GIF that loops forever at `fps` frames a second (GIF delays are in
 * hundredths of a second, so the real rate is rounded to that).
 */
export function encodeGif(f: GifFrames, fps: number): Uint8Array {
  if (f.frames.length === 0) throw new Error('Expected at least one frame, but got none')
  if (!(fps > 0 && fps <= 100)) throw new Error(`Expected fps between 1 and 100, but got ${fps}`)
  const size = f.width * f.height * f.channels
  for (const fr of f.frames) {
    if (fr.length !== size)
      throw new Error(
        `Expected frames of ${size} bytes (${f.width}x${f.height}x${f.channels}), but got ${fr.length}`
      )
  }
  const delay = Math.max(10, Math.round(100 / fps) * 10)
  const gif = GIFEncoder()
  let palette: Palette
  let indexOf: (px: Uint8Array) => Uint8Array
  if (f.channels === 1) {
    palette = GREY_PALETTE
    indexOf = (px) => px
  } else {
    // One palette for the whole animation, from a sample of every frame's pixels.
    const stride = Math.max(1, Math.floor((f.frames.length * f.width * f.height) / 65536))
    const all = f.frames.map((fr) => toRgba(fr, f.channels))
    const sampleCount = Math.ceil((all.length * f.width * f.height) / stride)
    const sample = new Uint8Array(sampleCount * 4)
    let k = 0
    for (const rgba of all) {
      for (let p = 0; p < rgba.length / 4 && k < sampleCount; p += stride, k++)
        sample.set(rgba.subarray(p * 4, p * 4 + 4), k * 4)
    }
    palette = quantize(sample.subarray(0, k * 4), 256)
    indexOf = (px) => applyPalette(toRgba(px, f.channels), palette)
  }
  f.frames.forEach((fr, i) => {
    gif.writeFrame(indexOf(fr), f.width, f.height, i === 0 ? { palette, delay, repeat: 0 } : { delay })
  })
  gif.finish()
  return gif.bytes()
}
