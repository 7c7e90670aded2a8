/**
 * The page's half of the stand-in contextBridge, installed as a Playwright init script so it runs
 * in every new document before the page's own scripts, like Electron's preload
 * (https://www.electronjs.org/docs/latest/tutorial/tutorial-preload). It is serialised into the
 * page with Function.prototype.toString, so it imports nothing and closes over nothing.
 *
 * - Only the main frame gets the preload's exposures: with `nodeIntegrationInSubFrames: false`
 *   Electron runs the preload in the main frame only
 *   (https://www.electronjs.org/docs/latest/api/structures/web-preferences).
 * - Calls into the preload are synchronous, as contextBridge's proxied functions are
 *   (https://www.electronjs.org/docs/latest/api/context-bridge): a synchronous XMLHttpRequest to the
 *   page's own origin, answered by the runtime's route handler in Node, which knows the calling
 *   frame from Chromium, not from anything the page says.
 * - Arguments are copied with contextBridge's rules (see codec.ts); a Proxy is refused with
 *   "An object could not be cloned." JavaScript cannot tell a Proxy from its target, so this script
 *   wraps the page's `Proxy` constructor before any page script runs and remembers every Proxy it
 *   makes (Vue's reactive state included); that is the V8 `IsProxy()` test Electron applies.
 */

/** The path under the page's origin that the runtime answers for the bridge. */
export const BRIDGE_PATH = '/__electron-stand-in__/'

/** The init script body. */
export function pageBridge(bridgePath: string): void {
  type Wire =
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
  type Push =
    | { world: number; op: 'call'; fn: number; args: Wire[] }
    | { world: number; op: 'settle'; promise: number; ok?: Wire; err?: Wire }

  const CLONE_ERROR = 'An object could not be cloned.'
  const proxies = new WeakSet<object>()
  const NativeProxy = Proxy
  const track = <T extends object>(p: T): T => {
    proxies.add(p)
    return p
  }
  const WrappedProxy = new NativeProxy(NativeProxy, {
    construct(target, args, newTarget) {
      return track(Reflect.construct(target, args, newTarget) as object)
    }
  })
  const nativeRevocable = NativeProxy.revocable
  Object.defineProperty(NativeProxy, 'revocable', {
    value: function revocable<T extends object>(target: T, handler: ProxyHandler<T>) {
      const r = nativeRevocable(target, handler)
      track(r.proxy)
      return r
    },
    writable: true,
    configurable: true
  })
  Object.defineProperty(window, 'Proxy', { value: WrappedProxy, writable: true, configurable: true })

  if (window.top !== window) return

  const fns = new Map<number, (...a: unknown[]) => unknown>()
  const promises = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>()
  let nextId = 1
  let world = 0

  const postAsync = (op: string, body: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const x = new XMLHttpRequest()
      x.open('POST', bridgePath + op, true)
      x.setRequestHeader('content-type', 'application/json')
      x.onload = () =>
        x.status === 200
          ? resolve(JSON.parse(x.responseText) as unknown)
          : reject(new Error(`stand-in bridge: ${op} answered ${x.status} ${x.responseText}`))
      x.onerror = () => reject(new Error(`stand-in bridge: ${op} failed`))
      x.send(JSON.stringify(body))
    })
  // Settlements that arrive before the answer naming their promise (async calls).
  const early = new Map<number, Push & { op: 'settle' }>()

  const post = (op: string, body: unknown): unknown => {
    const x = new XMLHttpRequest()
    x.open('POST', bridgePath + op, false)
    x.setRequestHeader('content-type', 'application/json')
    x.send(JSON.stringify(body))
    if (x.status !== 200) throw new Error(`stand-in bridge: ${op} answered ${x.status} ${x.responseText}`)
    return JSON.parse(x.responseText) as unknown
  }

  const toB64 = (bytes: Uint8Array): string => {
    let s = ''
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i] as number)
    return btoa(s)
  }
  const fromB64 = (b64: string): Uint8Array => {
    const s = atob(b64)
    const out = new Uint8Array(s.length)
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
    return out
  }
  const tagOf = (v: object): string => Object.prototype.toString.call(v).slice(8, -1)

  const encodeNumber = (n: number): Wire => {
    if (Number.isNaN(n)) return { t: 'num', v: 'NaN' }
    if (n === Infinity) return { t: 'num', v: 'Infinity' }
    if (n === -Infinity) return { t: 'num', v: '-Infinity' }
    if (Object.is(n, -0)) return { t: 'num', v: '-0' }
    return { t: 'p', v: n }
  }
  const encodeCloned = (v: unknown): Wire => {
    if (v === undefined) return { t: 'u' }
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return { t: 'p', v }
    if (typeof v === 'number') return encodeNumber(v)
    if (typeof v === 'bigint') return { t: 'big', v: v.toString() }
    const o = v as object
    if (o instanceof Date) return { t: 'date', v: o.getTime() }
    if (o instanceof RegExp) return { t: 're', source: o.source, flags: o.flags }
    if (o instanceof Map) return { t: 'map', v: [...o].map(([k, x]) => [encodeCloned(k), encodeCloned(x)]) }
    if (o instanceof Set) return { t: 'set', v: [...o].map(encodeCloned) }
    if (o instanceof ArrayBuffer) return { t: 'bytes', kind: 'ArrayBuffer', b64: toB64(new Uint8Array(o)) }
    if (ArrayBuffer.isView(o))
      return { t: 'bytes', kind: tagOf(o), b64: toB64(new Uint8Array(o.buffer, o.byteOffset, o.byteLength)) }
    if (o instanceof Error) return { t: 'err', message: o.message }
    if (Array.isArray(o)) return { t: 'a', v: o.map(encodeCloned) }
    return { t: 'o', v: Object.entries(o).map(([k, x]) => [k, encodeCloned(x)]) }
  }
  const encode = (v: unknown, top: boolean): Wire => {
    if (typeof v === 'function') {
      const id = nextId++
      fns.set(id, v as (...a: unknown[]) => unknown)
      return { t: 'fn', id }
    }
    if (typeof v === 'symbol') return { t: 'u' }
    if (v === null || typeof v !== 'object') return encodeCloned(v)
    if (proxies.has(v)) throw new Error(CLONE_ERROR)
    if (v instanceof Promise) {
      if (!top) return { t: 'u' }
      const id = nextId++
      v.then(
        (x) => post('settle', { world, promise: id, ok: encode(x, true) }),
        (e) => post('settle', { world, promise: id, err: encode(e, true) })
      )
      return { t: 'pr', id }
    }
    if (v instanceof Error) return { t: 'err', message: v.message }
    if (Array.isArray(v)) return { t: 'a', v: v.map((x) => encode(x, false)) }
    const tag = tagOf(v)
    if (tag !== 'Object' || v instanceof Date || v instanceof RegExp || ArrayBuffer.isView(v)) {
      try {
        return encodeCloned(structuredClone(v))
      } catch {
        throw new Error(CLONE_ERROR)
      }
    }
    return { t: 'o', v: Object.keys(v).map((k) => [k, encode((v as Record<string, unknown>)[k], false)]) }
  }

  const TYPED: Record<string, (b: Uint8Array) => unknown> = {
    ArrayBuffer: (b) => b.buffer,
    Uint8Array: (b) => b,
    Uint8ClampedArray: (b) => new Uint8ClampedArray(b.buffer),
    Int8Array: (b) => new Int8Array(b.buffer),
    Uint16Array: (b) => new Uint16Array(b.buffer),
    Int16Array: (b) => new Int16Array(b.buffer),
    Uint32Array: (b) => new Uint32Array(b.buffer),
    Int32Array: (b) => new Int32Array(b.buffer),
    Float32Array: (b) => new Float32Array(b.buffer),
    Float64Array: (b) => new Float64Array(b.buffer),
    DataView: (b) => new DataView(b.buffer)
  }

  const decode = (w: Wire): unknown => {
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
        return w.v.map(decode)
      case 'o': {
        const o: Record<string, unknown> = {}
        for (const [k, x] of w.v) o[k] = decode(x)
        return o
      }
      case 'fn': {
        const id = w.id
        if (w.async)
          // Arguments are copied (and refused) now, as contextBridge does; the call's answer, a
          // promise, comes back without blocking the page.
          return (...args: unknown[]): unknown => {
            const encoded = args.map((a) => encode(a, true))
            return postAsync('call', { world, fn: id, args: encoded }).then((r) => {
              const a = r as { ok?: Wire; threw?: Wire }
              if (a.threw) throw decode(a.threw)
              return a.ok ? decode(a.ok) : undefined
            })
          }
        // A proxied preload function: synchronous, like contextBridge's.
        return (...args: unknown[]): unknown => {
          const r = post('call', { world, fn: id, args: args.map((a) => encode(a, true)) }) as {
            ok?: Wire
            threw?: Wire
          }
          if (r.threw) throw decode(r.threw)
          return r.ok ? decode(r.ok) : undefined
        }
      }
      case 'pr':
        return new Promise((resolve, reject) => {
          const settled = early.get(w.id)
          early.delete(w.id)
          if (!settled) promises.set(w.id, { resolve, reject })
          else if (settled.err) reject(decode(settled.err))
          else resolve(settled.ok ? decode(settled.ok) : undefined)
        })
      case 'err':
        return new Error(w.message)
      case 'date':
        return new Date(w.v)
      case 're':
        return new RegExp(w.source, w.flags)
      case 'map':
        return new Map(w.v.map(([k, x]) => [decode(k), decode(x)]))
      case 'set':
        return new Set(w.v.map(decode))
      case 'bytes': {
        const make = TYPED[w.kind]
        if (!make) throw new Error(`stand-in bridge: cannot carry a ${w.kind}`)
        return make(fromB64(w.b64))
      }
    }
  }
  const deepFreeze = (v: unknown): unknown => {
    if (v && typeof v === 'object' && !Object.isFrozen(v)) {
      Object.freeze(v)
      for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k])
    }
    return v
  }

  // Node evaluates the preload for this document now, before any page script runs.
  const loaded = post('preload', {}) as { world: number; exposures: Array<[string, Wire]> }
  world = loaded.world
  for (const [key, value] of loaded.exposures) {
    // "all other values are copied and frozen" (context-bridge.md, exposeInMainWorld).
    Object.defineProperty(window, key, { value: deepFreeze(decode(value)), enumerable: true })
  }

  Object.defineProperty(window, Symbol.for('electron-stand-in'), {
    value: {
      push(m: Push): void {
        if (m.world !== world) return
        if (m.op === 'call') {
          const fn = fns.get(m.fn)
          // Proxied calls from the preload into the page: return values do not travel back.
          if (fn) queueMicrotask(() => fn(...m.args.map(decode)))
        } else {
          const p = promises.get(m.promise)
          promises.delete(m.promise)
          if (!p) {
            early.set(m.promise, m)
            return
          }
          if (m.err) p.reject(decode(m.err))
          else p.resolve(m.ok ? decode(m.ok) : undefined)
        }
      }
    }
  })
}
