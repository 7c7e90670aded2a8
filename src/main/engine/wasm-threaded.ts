/**
 * Runs tfjs-backend-wasm's threaded SIMD build under Node: the CLI, serve's forked workers and the
 * app's Electron utilityProcess workers (Electron's Node has `worker_threads` too).
 *
 * Why a loader of our own: tfjs-backend-wasm 4.22 ships `tfjs-backend-wasm-threaded-simd.{js,wasm}`
 * but never uses them in Node, for three reasons, each handled here through Emscripten's own
 * Module hooks rather than by patching the package:
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false when `IS_NODE` (tensorflow/tfjs#3830).
 *    We do not go through the package's `init()` at all: we call the threaded Emscripten factory
 *    ourselves and hand the module to the package's exported `BackendWasm`, exactly as its own
 *    backend factory does.
 * 2. The pthread worker script is handed over as a `blob:` URL, which Node's `Worker` cannot load,
 *    and the package ships that script only as a string (`wasmWorkerContents`). `locateFile`
 *    returns a `data:` URL instead (Node's Worker accepts a `URL` object with `data:`), whose ES
 *    module runs that same string with a CommonJS `require`, as Emscripten's Node code expects.
 *    Each pthread then loads the main script from `mainScriptUrlOrBlob`, a plain file path.
 * 3. The C side caps the pool at `emscripten_num_logical_cores() / 2` (it assumes 2 hyper-threads
 *    per core), which allows 1 thread on a 2-core machine whatever count is asked for. The
 *    `instantiateWasm` hook reports 2 × the requested count as logical cores, so the cap is
 *    exactly the count we ask for. Only that one import is replaced.
 *
 * The XNNPACK pool's threads never exit, and Emscripten `ref()`s a worker while its thread runs,
 * which would keep a finished CLI process alive: the loader `unref()`s them after start-up.
 */
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { tf } from './tf'

/** The parts of `@tensorflow/tfjs-backend-wasm`'s exports this loader uses. */
export interface WasmPackage {
  BackendWasm: new (module: unknown) => tf.KernelBackend
  setThreadsCount(n: number): void
  getThreadsCount(): number
}

/** The Emscripten module object, as far as this loader touches it. */
interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => unknown
  PThread?: { runningWorkers: Worker[]; unusedWorkers: Worker[] }
  tfjs?: Record<string, unknown>
}

/** WebAssembly's JS API (Node's typings here carry no DOM lib, where it is declared). */
interface WebAssemblyApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object; module: object }>
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly

type EmscriptenFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>

/** Where the threaded build's files are (asar-unpacked in a packaged app, see electron-builder.yml). */
export interface ThreadedFiles {
  /** The Emscripten JS glue (`wasm-out/tfjs-backend-wasm-threaded-simd.js`). */
  mainJs: string
  /** The pthread worker script module (`wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`). */
  workerJs: string
  /** The threaded SIMD binary. */
  wasm: string
}

/** Resolves the threaded build's files; `unpacked` maps a path inside app.asar to its unpacked copy. */
export function threadedFiles(unpacked: (p: string) => string): ThreadedFiles {
  const req = createRequire(import.meta.url)
  const pkgDir = path.dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json'))
  return {
    mainJs: unpacked(path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js')),
    workerJs: unpacked(path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')),
    wasm: unpacked(path.join(pkgDir, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm'))
  }
}

/**
 * The pthread worker as a `data:` URL. The package's worker script is a CommonJS-style script
 * (it calls `require("worker_threads")` and reads `__filename`); a data: URL is an ES module, so
 * the module gives it both. `\n` inside its string literals is escaped, as the package does before
 * making its Blob.
 */
export function pthreadWorkerUrl(files: ThreadedFiles): URL {
  const req = createRequire(import.meta.url)
  const { wasmWorkerContents } = req(files.workerJs) as { wasmWorkerContents: string }
  const body = wasmWorkerContents.replace(/\n/g, '\\n')
  const main = JSON.stringify(files.mainJs)
  const source = [
    "import { createRequire } from 'node:module';",
    `const require = createRequire(${main});`,
    `new Function('require', '__filename', ${JSON.stringify(body)})(require, ${main});`
  ].join('\n')
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`)
}

/**
 * Starts the threaded module with `threads` XNNPACK threads and returns a `BackendWasm` on it.
 * Rejects (and so lets the caller fall back) if anything in Emscripten's start-up fails.
 */
export async function createThreadedBackend(
  pkg: WasmPackage,
  files: ThreadedFiles,
  threads: number
): Promise<tf.KernelBackend> {
  const req = createRequire(import.meta.url)
  const factory = req(files.mainJs) as EmscriptenFactory
  const binary = readFileSync(files.wasm)
  const workerUrl = pthreadWorkerUrl(files)
  let fail: (err: unknown) => void = () => undefined
  const config: Record<string, unknown> = {
    locateFile: (file: string): string | URL => {
      if (file.endsWith('.worker.js')) return workerUrl
      if (file.endsWith('.wasm')) return files.wasm
      return path.join(path.dirname(files.mainJs), file)
    },
    mainScriptUrlOrBlob: files.mainJs,
    instantiateWasm: (
      info: { env: Record<string, unknown> },
      receive: (instance: object, module: object) => void
    ): Record<string, never> => {
      // See point 3 above: num_cores = logical / 2 must come out as `threads`.
      info.env.emscripten_num_logical_cores = (): number => 2 * threads
      webAssembly.instantiate(binary, info).then(
        (r) => receive(r.instance, r.module),
        (err: unknown) => fail(err)
      )
      return {}
    }
  }
  // Wrapped in an object: the resolved Emscripten module must not be awaited as a value.
  const { module } = await new Promise<{ module: EmscriptenModule }>((resolve, reject) => {
    fail = reject
    factory(config).then((m) => resolve({ module: m }), reject)
  })
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, [])
  }
  pkg.setThreadsCount(threads)
  const backend = new pkg.BackendWasm(module)
  for (const w of module.PThread?.runningWorkers ?? []) w.unref()
  return backend
}
