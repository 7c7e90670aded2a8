/**
 * How values cross between the page (Chromium's main world) and the preload (run in Node): the
 * wire format of the stand-in's context bridge, and the Node side of contextBridge's copy rules.
 *
 * contextBridge (https://www.electronjs.org/docs/latest/api/context-bridge#parameter--error--return-type-support):
 * - primitives are copied; Symbols "cannot be copied across contexts so they are dropped";
 * - functions are proxied ("Prototype modifications are dropped"); calls are synchronous, except
 *   that an async function's call is sent without blocking the page (it can only return a promise);
 * - Promises are proxied only as a return value or an exact parameter; nested ones are dropped;
 * - Errors are copied, keeping only the message ("any custom properties on the Error object will
 *   be lost");
 * - arrays and plain objects are copied key by key (prototype dropped);
 * - everything else goes through the structured clone algorithm, which refuses Proxies (Vue's
 *   reactive state) with "An object could not be cloned" (electron/electron#29604, #39598).
 *
 * The page side of the same rules is in page-bridge.ts (it runs in the browser and cannot import).
 */
import { types } from 'node:util'

/** A value on the wire between the page and the preload. JSON-safe. */
export type Wire =
  | { t: 'u' }
  | { t: 'p'; v: string | number | boolean | null }
  | { t: 'num'; v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { t: 'big'; v: string }
  | { t: 'a'; v: Wire[] }
  | { t: 'o'; v: Array<[string, Wire]> }
  | { t: 'fn'; id: number; async?: boolean }
  | { t: 'pr'; id: number }
  | { t: 'err'; message: string }
  | { t: 'date'; v: number }
  | { t: 're'; source: string; flags: string }
  | { t: 'map'; v: Array<[Wire, Wire]> }
  | { t: 'set'; v: Wire[] }
  | { t: 'bytes'; kind: string; b64: string }

/** Electron's message when the structured clone algorithm refuses a value. */
export const CLONE_ERROR = 'An object could not be cloned.'

/** What the encoder needs from the side that owns the functions and promises being proxied. */
export interface ProxyRegistry {
  registerFunction(fn: (...args: unknown[]) => unknown): number
  registerPromise(p: Promise<unknown>): number
}

/** What the decoder needs to turn proxy references from the other side into callables. */
export interface ProxyResolver {
  functionFor(id: number): (...args: unknown[]) => unknown
  promiseFor(id: number): Promise<unknown>
}

function encodeNumber(n: number): Wire {
  if (Number.isNaN(n)) return { t: 'num', v: 'NaN' }
  if (n === Infinity) return { t: 'num', v: 'Infinity' }
  if (n === -Infinity) return { t: 'num', v: '-Infinity' }
  if (Object.is(n, -0)) return { t: 'num', v: '-0' }
  return { t: 'p', v: n }
}

/** Encodes a structured-cloneable value (already checked by `structuredClone`). */
function encodeCloned(v: unknown): Wire {
  if (v === undefined) return { t: 'u' }
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return { t: 'p', v }
  if (typeof v === 'number') return encodeNumber(v)
  if (typeof v === 'bigint') return { t: 'big', v: v.toString() }
  if (types.isDate(v)) return { t: 'date', v: v.getTime() }
  if (types.isRegExp(v)) return { t: 're', source: v.source, flags: v.flags }
  if (types.isMap(v)) return { t: 'map', v: [...v].map(([k, x]) => [encodeCloned(k), encodeCloned(x)]) }
  if (types.isSet(v)) return { t: 'set', v: [...v].map(encodeCloned) }
  if (types.isAnyArrayBuffer(v))
    return { t: 'bytes', kind: 'ArrayBuffer', b64: Buffer.from(v).toString('base64') }
  if (types.isArrayBufferView(v)) {
    const kind = Object.prototype.toString.call(v).slice(8, -1)
    return {
      t: 'bytes',
      kind: kind === 'Buffer' ? 'Uint8Array' : kind,
      b64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
    }
  }
  if (types.isNativeError(v)) return { t: 'err', message: (v as Error).message }
  if (Array.isArray(v)) return { t: 'a', v: v.map(encodeCloned) }
  return { t: 'o', v: Object.entries(v as object).map(([k, x]) => [k, encodeCloned(x)]) }
}

/**
 * Encodes a value leaving the preload's world with contextBridge's rules. `top` is true for a
 * return value or an exact parameter (where Promises are proxied).
 */
export function encodeForBridge(v: unknown, reg: ProxyRegistry, top = true): Wire {
  if (typeof v === 'function') {
    const fn = v as (...a: unknown[]) => unknown
    // An async function can only return a promise: the page need not wait for the call to return.
    return { t: 'fn', id: reg.registerFunction(fn), async: types.isAsyncFunction(fn) }
  }
  if (typeof v === 'symbol') return { t: 'u' }
  if (v === null || typeof v !== 'object') return encodeCloned(v)
  if (types.isProxy(v)) throw new Error(CLONE_ERROR)
  if (types.isPromise(v)) return top ? { t: 'pr', id: reg.registerPromise(v) } : { t: 'u' }
  if (types.isNativeError(v)) return { t: 'err', message: (v as Error).message }
  if (Array.isArray(v)) return { t: 'a', v: v.map((x) => encodeForBridge(x, reg, false)) }
  if (
    types.isDate(v) ||
    types.isRegExp(v) ||
    types.isMap(v) ||
    types.isSet(v) ||
    types.isAnyArrayBuffer(v) ||
    types.isArrayBufferView(v) ||
    types.isBoxedPrimitive(v)
  ) {
    try {
      return encodeCloned(structuredClone(v))
    } catch {
      throw new Error(CLONE_ERROR)
    }
  }
  // A "plain" object in contextBridge's sense: own enumerable string keys, getters invoked.
  return {
    t: 'o',
    v: Object.keys(v).map((k) => [k, encodeForBridge((v as Record<string, unknown>)[k], reg, false)])
  }
}

const TYPED: Record<string, (b: Buffer) => unknown> = {
  ArrayBuffer: (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength),
  Uint8Array: (b) => new Uint8Array(b),
  Uint8ClampedArray: (b) => new Uint8ClampedArray(b),
  Int8Array: (b) => new Int8Array(b),
  Uint16Array: (b) => new Uint16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Int16Array: (b) => new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Uint32Array: (b) => new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Int32Array: (b) => new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Float32Array: (b) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Float64Array: (b) => new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  DataView: (b) => new DataView(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

/** Decodes a value arriving in the preload's world. */
export function decodeFromBridge(w: Wire, res: ProxyResolver): unknown {
  switch (w.t) {
    case 'u':
      return undefined
    case 'p':
      return w.v
    case 'num':
      return w.v === '-0' ? -0 : Number(w.v)
    case 'big':
      return BigInt(w.v)
    case 'a':
      return w.v.map((x) => decodeFromBridge(x, res))
    case 'o': {
      const o: Record<string, unknown> = {}
      for (const [k, x] of w.v) o[k] = decodeFromBridge(x, res)
      return o
    }
    case 'fn':
      return res.functionFor(w.id)
    case 'pr':
      return res.promiseFor(w.id)
    case 'err':
      return new Error(w.message)
    case 'date':
      return new Date(w.v)
    case 're':
      return new RegExp(w.source, w.flags)
    case 'map':
      return new Map(w.v.map(([k, x]) => [decodeFromBridge(k, res), decodeFromBridge(x, res)]))
    case 'set':
      return new Set(w.v.map((x) => decodeFromBridge(x, res)))
    case 'bytes': {
      const make = TYPED[w.kind]
      if (!make) throw new Error(`the stand-in cannot carry a ${w.kind}`)
      return make(Buffer.from(w.b64, 'base64'))
    }
  }
}

/**
 * Electron IPC copies every argument and result with the structured clone algorithm
 * (https://www.electronjs.org/docs/latest/tutorial/ipc#object-serialization): "Sending Functions,
 * Promises, Symbols, WeakMaps, or WeakSets will throw an exception". Node's structuredClone is the
 * same V8 serializer; its refusal is reported with Electron's message.
 */
export function cloneForIpc<T>(v: T): T {
  try {
    return structuredClone(v)
  } catch {
    throw new Error(CLONE_ERROR)
  }
}
