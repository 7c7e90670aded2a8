/**
 * Tile for the wasm backend as block copies. The stock kernel computes an index per element
 * (~80 ns each here); batch-norm gradients tile per-channel vectors to whole activations, which
 * made Tile ~5% of a DCGAN step. Copying the first block and doubling it with copyWithin is
 * bandwidth-bound instead.
 */
import { tf } from '../../tf'
import { asWasmBackend } from './wasm-backend'

type HeapArray = Float32Array | Int32Array | Uint8Array

/** Fills `dst` (from `dOff`) with `len` elements by repeating its first `block` elements. */
function repeatBlock(dst: HeapArray, dOff: number, block: number, len: number): void {
  let done = block
  while (done < len) {
    const n = Math.min(done, len - done)
    dst.copyWithin(dOff + done, dOff, dOff + n)
    done += n
  }
}

function fill(
  dst: HeapArray,
  src: HeapArray,
  shape: readonly number[],
  reps: readonly number[],
  srcStrides: readonly number[],
  dstStrides: readonly number[],
  d: number,
  sOff: number,
  dOff: number
): void {
  const n = shape[d] as number
  const r = reps[d] as number
  if (d === shape.length - 1) {
    dst.set(src.subarray(sOff, sOff + n), dOff)
    repeatBlock(dst, dOff, n, n * r)
    return
  }
  const ss = srcStrides[d] as number
  const ds = dstStrides[d] as number
  for (let i = 0; i < n; i++)
    fill(dst, src, shape, reps, srcStrides, dstStrides, d + 1, sOff + i * ss, dOff + i * ds)
  repeatBlock(dst, dOff, n * ds, n * ds * r)
}

/** Builds the Tile kernelFunc; strings and scalars go to `stock`. */
export function makeTileWasm(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x']
    const reps = (args.attrs as { reps?: number[] } | undefined)?.reps
    if (x === undefined || reps === undefined || x.dtype === 'string' || x.shape.length === 0)
      return stock(args)
    const backend = asWasmBackend(args.backend)
    const outShape = x.shape.map((s, i) => s * (reps[i] as number))
    const out = backend.makeOutput(outShape, x.dtype)
    if (outShape.some((s) => s === 0)) return out
    const dst = backend.typedArrayFromHeap(out)
    const src = backend.typedArrayFromHeap(x)
    fill(
      dst,
      src,
      x.shape,
      reps,
      tf.util.computeStrides(x.shape).concat(1),
      tf.util.computeStrides(outShape).concat(1),
      0,
      0,
      0
    )
    return out
  }
}
