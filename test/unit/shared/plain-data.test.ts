import { describe, expect, it } from 'vitest'
import { reactive } from 'vue'
import { toPlainData } from '../../../src/shared/plain-data'

describe('toPlainData', () => {
  it('copies through Proxies into structured-clone-safe data', () => {
    const state = reactive({ a: { b: [1, { c: 'x' }] }, when: new Date(0), bytes: new Uint8Array([1, 2]) })
    expect(() => structuredClone(state)).toThrow()
    const plain = toPlainData(state)
    expect(() => structuredClone(plain)).not.toThrow()
    expect(plain).toEqual({ a: { b: [1, { c: 'x' }] }, when: new Date(0), bytes: new Uint8Array([1, 2]) })
  })

  it('keeps cycles, maps and sets, drops undefined members and refuses functions', () => {
    const o: Record<string, unknown> = { n: 1, gone: undefined, m: new Map([['k', reactive({ v: 2 })]]) }
    o.self = o
    const plain = toPlainData(o) as Record<string, unknown>
    expect(plain.self).toBe(plain)
    expect('gone' in plain).toBe(false)
    expect((plain.m as Map<string, unknown>).get('k')).toEqual({ v: 2 })
    expect(() => toPlainData({ a: [0, Symbol('s')] })).toThrow('$.a[1]')
  })
})
