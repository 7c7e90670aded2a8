/**
 * The preload's isolated world, in Node: the built preload bundle is evaluated in its own V8
 * context (`vm`), once per document of the main frame, with the `require` and globals of a
 * sandboxed preload (https://www.electronjs.org/docs/latest/tutorial/sandbox#preload-scripts):
 * `require` answers `electron` (contextBridge, ipcRenderer), `events`, `timers` and `url` only;
 * `Buffer`, `process`, `setImmediate`/`clearImmediate` are polyfilled.
 *
 * What the preload exposes with `contextBridge.exposeInMainWorld` reaches the page through
 * page-bridge.ts; values cross by contextBridge's rules (codec.ts).
 */
import { readFileSync } from 'node:fs'
import { EventEmitter } from 'node:events'
import * as timers from 'node:timers'
import * as url from 'node:url'
import vm from 'node:vm'
import {
  CLONE_ERROR,
  decodeFromBridge,
  encodeForBridge,
  type ProxyRegistry,
  type ProxyResolver,
  type Wire
} from './codec'
import type { IpcRendererStandIn } from './ipc'

/** Where pushes to the page go (the stand-in webContents's current main-frame document). */
export type PagePush = (msg: unknown) => void

let nextWorld = 1

/** One document's preload world. */
export class PreloadWorld implements ProxyRegistry, ProxyResolver {
  readonly id = nextWorld++
  readonly exposures: Array<[string, Wire]> = []
  private readonly fns = new Map<number, (...a: unknown[]) => unknown>()
  private readonly pagePromises = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void }
  >()
  private nextId = 1
  private disposed = false

  constructor(
    private readonly push: PagePush,
    readonly ipcRenderer: IpcRendererStandIn
  ) {}

  /** Runs the preload bundle in a fresh context. */
  evaluate(preloadPath: string): void {
    const code = readFileSync(preloadPath, 'utf8')
    const contextBridge: Pick<Electron.ContextBridge, 'exposeInMainWorld'> = {
      // https://www.electronjs.org/docs/latest/api/context-bridge#contextbridgeexposeinmainworldapikey-api
      exposeInMainWorld: (apiKey: string, api: unknown): void => {
        if (this.exposures.some(([k]) => k === apiKey))
          throw new Error(`Cannot bind an API on top of an existing property on the window object`)
        this.exposures.push([apiKey, encodeForBridge(api, this)])
      }
    }
    const electron = { contextBridge, ipcRenderer: this.ipcRenderer }
    const allowed: Record<string, unknown> = { electron, events: EventEmitter, timers, url }
    const requireSandboxed = (name: string): unknown => {
      if (name in allowed) return allowed[name]
      throw new Error(`module not found: ${name}`)
    }
    const sandbox: Record<string, unknown> = {
      console,
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      setImmediate,
      clearImmediate,
      queueMicrotask,
      structuredClone,
      URL,
      URLSearchParams,
      TextEncoder,
      TextDecoder,
      AbortController,
      Event,
      EventTarget,
      atob,
      btoa,
      Buffer,
      navigator: { userAgent: 'GAN Studio desktop stand-in' },
      process: {
        type: 'renderer',
        sandboxed: true,
        contextIsolated: true,
        platform: process.platform,
        arch: process.arch,
        versions: { ...process.versions },
        env: {}
      }
    }
    const context = vm.createContext(sandbox, { name: `preload world ${this.id}` })
    vm.runInContext('globalThis.window = globalThis; globalThis.self = globalThis', context)
    const wrapper = vm.runInContext(
      `(function (exports, require, module, __filename, __dirname) {${code}\n})`,
      context,
      { filename: preloadPath }
    ) as (e: unknown, r: unknown, m: unknown, f: string, d: string) => void
    const module = { exports: {} }
    wrapper(module.exports, requireSandboxed, module, preloadPath, preloadPath.replace(/[/\\][^/\\]*$/, ''))
  }

  /** The page navigated away: this world's listeners and proxies are gone (its context is destroyed). */
  dispose(): void {
    this.disposed = true
    this.ipcRenderer.removeAllListeners()
    for (const p of this.pagePromises.values()) p.reject(new Error('the page was unloaded'))
    this.pagePromises.clear()
  }

  get isDisposed(): boolean {
    return this.disposed
  }

  registerFunction(fn: (...args: unknown[]) => unknown): number {
    const id = this.nextId++
    this.fns.set(id, fn)
    return id
  }

  registerPromise(p: Promise<unknown>): number {
    const id = this.nextId++
    p.then(
      (v) => this.settlePage(id, { ok: v }),
      (e: unknown) => this.settlePage(id, { err: e })
    )
    return id
  }

  private settlePage(id: number, r: { ok?: unknown; err?: unknown }): void {
    if (this.disposed) return
    let msg: unknown
    try {
      msg =
        'err' in r
          ? { world: this.id, op: 'settle', promise: id, err: encodeForBridge(r.err, this) }
          : { world: this.id, op: 'settle', promise: id, ok: encodeForBridge(r.ok, this) }
    } catch (e) {
      msg = { world: this.id, op: 'settle', promise: id, err: { t: 'err', message: (e as Error).message } }
    }
    this.push(msg)
  }

  functionFor(id: number): (...args: unknown[]) => unknown {
    // A page function called from the preload: the call is delivered to the page asynchronously
    // and returns undefined (the preload's listeners ignore return values).
    return (...args: unknown[]): unknown => {
      if (this.disposed) return undefined
      this.push({ world: this.id, op: 'call', fn: id, args: args.map((a) => encodeForBridge(a, this)) })
      return undefined
    }
  }

  promiseFor(id: number): Promise<unknown> {
    return new Promise((resolve, reject) => this.pagePromises.set(id, { resolve, reject }))
  }

  /** The page called a preload function (synchronously). */
  call(fnId: number, args: Wire[]): { ok?: Wire; threw?: Wire } {
    const fn = this.fns.get(fnId)
    if (!fn) return { threw: { t: 'err', message: 'stand-in bridge: unknown function' } }
    let result: unknown
    try {
      result = fn(...args.map((a) => decodeFromBridge(a, this)))
    } catch (e) {
      const message =
        e instanceof Error || (e && typeof e === 'object') ? String((e as Error).message) : String(e)
      return { threw: { t: 'err', message: message || CLONE_ERROR } }
    }
    return { ok: encodeForBridge(result, this) }
  }

  /** A promise the page passed to the preload settled. */
  settle(promiseId: number, r: { ok?: Wire; err?: Wire }): void {
    const p = this.pagePromises.get(promiseId)
    this.pagePromises.delete(promiseId)
    if (!p) return
    if (r.err) p.reject(decodeFromBridge(r.err, this))
    else p.resolve(r.ok ? decodeFromBridge(r.ok, this) : undefined)
  }
}
