import { describe, expect, it } from 'vitest'
import {
  MAX_WASM_THREADS,
  physicalCoreCount,
  resolveThreads,
  threadsFromEnv
} from '../../../../../src/main/engine/thread-count'
import { threadChange } from '../../../../../src/main/engine/run-threads'
import type { BackendReport } from '../../../../../src/shared/domain'

describe('thread count', () => {
  it('0 and no setting mean one thread per physical core', () => {
    expect(resolveThreads(0, () => 6)).toBe(6)
    expect(resolveThreads(undefined, () => 3)).toBe(3)
  })

  it('takes an explicit count as asked, capped at what tfjs-backend-wasm can use', () => {
    expect(resolveThreads(2, () => 16)).toBe(2)
    expect(resolveThreads(64, () => 16)).toBe(MAX_WASM_THREADS)
  })

  it('refuses a negative or fractional count with the value in the message', () => {
    expect(() => resolveThreads(-1)).toThrow(/but got -1/)
    expect(() => resolveThreads(1.5)).toThrow(/but got 1.5/)
  })

  it('reads GAN_STUDIO_THREADS and ignores junk', () => {
    expect(threadsFromEnv({ GAN_STUDIO_THREADS: '3' })).toBe(3)
    expect(threadsFromEnv({ GAN_STUDIO_THREADS: 'lots' })).toBeUndefined()
    expect(threadsFromEnv({})).toBeUndefined()
  })

  it('counts at least one physical core and no more than the logical CPUs', () => {
    const n = physicalCoreCount()
    expect(n).toBeGreaterThanOrEqual(1)
    expect(Number.isInteger(n)).toBe(true)
  })
})

describe('thread count on resume', () => {
  const wasm = (threads: number): BackendReport =>
    ({ active: 'wasm', wasmThreads: threads }) as unknown as BackendReport

  it('records a change of wasm thread count with both counts', () => {
    const e = threadChange({ backend: 'wasm', threads: 1 }, wasm(2))
    expect(e?.kind).toBe('resume')
    expect(e?.data).toEqual({ threadsBefore: 1, threadsNow: 2 })
  })

  it('records nothing for the same count, another backend or an old record without the field', () => {
    expect(threadChange({ backend: 'wasm', threads: 2 }, wasm(2))).toBeUndefined()
    expect(threadChange({ backend: 'cpu' }, wasm(2))).toBeUndefined()
    expect(threadChange({ backend: 'wasm' }, wasm(2))).toBeUndefined()
  })
})
