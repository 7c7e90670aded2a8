/**
 * BatchMatMul for the wasm backend that never asks the stock kernel for a transposed operand.
 * Stock wasm sends transposeA/transposeB to a naive loop (~14x slower than XNNPACK on a
 * 128x3136x128 product here), and every matMul gradient uses a transposed operand. Transposing
 * explicitly (a memory pass) and calling the stock kernel untransposed keeps XNNPACK's path.
 */
import type { tf } from '../../tf'
import { asWasmBackend, disposeAll, transposeInfo } from './wasm-backend'

function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i)
  perm[rank - 2] = rank - 1
  perm[rank - 1] = rank - 2
  return perm
}

/** Builds the BatchMatMul kernelFunc around the stock one. */
export function makeBatchMatMulWasm(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean }
    const a = args.inputs['a']
    const b = args.inputs['b']
    if (a === undefined || b === undefined || (!attrs.transposeA && !attrs.transposeB)) return stock(args)
    const backend = asWasmBackend(args.backend)
    const made: tf.TensorInfo[] = []
    const aT = attrs.transposeA ? transposeInfo(backend, a, swapLast(a.shape.length)) : a
    if (aT !== a) made.push(aT)
    const bT = attrs.transposeB ? transposeInfo(backend, b, swapLast(b.shape.length)) : b
    if (bT !== b) made.push(bT)
    try {
      return stock({
        ...args,
        inputs: { ...args.inputs, a: aT, b: bT },
        attrs: { ...args.attrs, transposeA: false, transposeB: false }
      })
    } finally {
      disposeAll(backend, made)
    }
  }
}
