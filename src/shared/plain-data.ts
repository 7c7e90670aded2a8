/**
 * Plain data for a structured-clone boundary. Electron's contextBridge copies what the page passes
 * to `window.studio` and refuses Proxies ("An object could not be cloned"), and Vue's reactive
 * state is made of Proxies; serve mode never noticed because it sends JSON. Converting here, once,
 * lets stores pass `run.config` or a reactive bookmark straight through.
 */
import { StudioError } from './errors'

/**
 * A deep copy of `value` made of plain objects and arrays (read through any Proxy), keeping what
 * structured clone keeps as is (typed arrays, ArrayBuffer, Date). Functions and symbols are a bug in
 * the caller and are refused with a message naming where they are.
 */
export function toPlainData<T>(value: T): T {
  return copy(value, '$', new WeakMap()) as T
}

function copy(value: unknown, at: string, seen: WeakMap<object, unknown>): unknown {
  if (value === null || value === undefined) return value
  const t = typeof value
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint') return value
  if (t === 'function' || t === 'symbol')
    throw new StudioError('invalid-input', `Expected plain data at ${at}, but got a ${t}`)
  const obj = value as object
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer || obj instanceof Date) return obj
  const done = seen.get(obj)
  if (done !== undefined) return done
  if (Array.isArray(obj)) {
    const out: unknown[] = []
    seen.set(obj, out)
    obj.forEach((v, i) => out.push(copy(v, `${at}[${i}]`, seen)))
    return out
  }
  if (obj instanceof Map) {
    const out = new Map<unknown, unknown>()
    seen.set(obj, out)
    for (const [k, v] of obj) out.set(copy(k, `${at}.key`, seen), copy(v, `${at}.get(${String(k)})`, seen))
    return out
  }
  if (obj instanceof Set) {
    const out = new Set<unknown>()
    seen.set(obj, out)
    for (const v of obj) out.add(copy(v, `${at}[]`, seen))
    return out
  }
  const out: Record<string, unknown> = {}
  seen.set(obj, out)
  for (const key of Object.keys(obj)) {
    const v = (obj as Record<string, unknown>)[key]
    // Like JSON (and like zod's optional fields), an undefined member is the same as an absent one.
    if (v !== undefined) out[key] = copy(v, `${at}.${key}`, seen)
  }
  return out
}
