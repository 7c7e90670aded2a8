/** Shared set-up of the integration tests: temp data dirs, a tiny dataset, a served studio. */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { writeDatasetCache } from '../../src/main/engine/data/cache'
import { StudioService } from '../../src/main/services/studio-service'
import { FileSettingsStore } from '../../src/main/services/settings'
import { ForkWorkerLauncher } from '../../src/main/services/worker-launcher'
import { createDatasetsPort } from '../../src/main/services/datasets-port'
import { startServer, type RunningServer } from '../../src/main/serve/server'
import type { EventMap, EventName, StudioApi } from '../../src/shared/contract'

const root = path.resolve(__dirname, '..', '..')

/** The trainer worker from source through tsx, so tests need no build. */
export const TEST_WORKER = {
  script: path.join(root, 'src/main/worker/trainer-worker.ts'),
  execArgv: ['--import', 'tsx']
}

/** A fresh temp dir (removed by `cleanup`). */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `gs-${prefix}-`))
}

/** Writes a 64-image 28×28 grey dataset `tiny` into the data dir. */
export async function writeTinyDataset(dataDir: string, id = 'tiny'): Promise<void> {
  const n = 64
  const images = new Uint8Array(n * 28 * 28)
  for (let i = 0; i < images.length; i++) images[i] = (i * 37 + (i >> 9) * 11) % 256
  await writeDatasetCache(
    dataDir,
    { id, name: id, builtin: false, source: 'test', shape: [28, 28, 1], labelNames: [] },
    images
  )
}

/** A fake built renderer (index.html + one asset). */
export function writeFakeRenderer(dir: string): void {
  mkdirSync(path.join(dir, 'assets'), { recursive: true })
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>GAN Studio</title>')
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)')
}

/** The renderer's WebSocket client, typed locally: its file belongs to the web tsconfig. */
interface WsTransportModule {
  createWsStudio(opts: { wsUrl: string; httpOrigin: string; token: string; WebSocketImpl?: unknown }): {
    studio: StudioApi
    transport: { close(): void }
  }
}

/** Loads the real renderer client (src/renderer/src/api/ws-transport.ts) at run time. */
export async function loadWsTransport(): Promise<WsTransportModule> {
  const file = path.join(root, 'src/renderer/src/api/ws-transport.ts')
  return (await import(/* @vite-ignore */ file)) as WsTransportModule
}

/** A real service + server + WebSocket client over a temp data dir. */
/**
 * A run config for tests that drive a live run: small and slow-machine friendly, every step
 * logged, a sample and a checkpoint every 3 steps, and steps enough never to finish on its own.
 */
export const LIVE_RUN_CONFIG = {
  dataset: 'tiny',
  model: 'mlp' as const,
  batchSize: 8,
  steps: 100_000,
  logEvery: 1,
  sampleEvery: 3,
  checkpointEvery: 3,
  keep: 2,
  latentDim: 8
}

export interface Harness {
  dataDir: string
  rendererDir: string
  service: StudioService
  server: RunningServer
  studio: StudioApi
  origin: string
  close(): Promise<void>
}

export async function startHarness(opts: { tiny?: boolean } = {}): Promise<Harness> {
  const dataDir = tempDir('data')
  const rendererDir = tempDir('renderer')
  writeFakeRenderer(rendererDir)
  if (opts.tiny !== false) await writeTinyDataset(dataDir)
  // Tests run a few runs side by side; the default limit of one would serialise them.
  writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ maxConcurrentRuns: 4 }))
  const service = new StudioService({
    dataDir,
    settings: FileSettingsStore.forDataDir(dataDir),
    launcher: new ForkWorkerLauncher(TEST_WORKER),
    transport: 'serve',
    datasets: createDatasetsPort(dataDir)
  })
  const server = await startServer({ service, rendererDir })
  const origin = `http://127.0.0.1:${server.port}`
  const { createWsStudio } = await loadWsTransport()
  const { studio, transport } = createWsStudio({
    wsUrl: `ws://127.0.0.1:${server.port}/ws`,
    httpOrigin: origin,
    token: server.token,
    WebSocketImpl: WebSocket
  })
  const harness: Harness = {
    dataDir,
    rendererDir,
    service,
    server,
    studio,
    origin,
    close: async () => {
      transport.close()
      await service.close(20_000)
      // A test may have replaced the server (restart tests): close the current one.
      await harness.server.close()
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(rendererDir, { recursive: true, force: true })
    }
  }
  return harness
}

/** Collects events of one kind and lets a test wait for one that matches. */
export class EventLog<E extends EventName> {
  readonly items: Array<EventMap[E]> = []
  private waiters: Array<{ pred: (d: EventMap[E]) => boolean; resolve: (d: EventMap[E]) => void }> = []
  push = (d: EventMap[E]): void => {
    this.items.push(d)
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(d)) return true
      w.resolve(d)
      return false
    })
  }
  /** Resolves with the first past or future item that matches. */
  waitFor(pred: (d: EventMap[E]) => boolean): Promise<EventMap[E]> {
    const found = this.items.find(pred)
    if (found) return Promise.resolve(found)
    return new Promise((resolve) => this.waiters.push({ pred, resolve }))
  }
}

/** A raw HTTP GET whose path is sent exactly as given (fetch would normalise `..`). */
export async function rawGet(
  port: number,
  rawPath: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const http = await import('node:http')
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Opens a raw socket and reports how the upgrade went. */
export function tryWebSocket(
  url: string,
  headers: Record<string, string> = {}
): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.on('open', () => {
      ws.close()
      resolve({ opened: true })
    })
    ws.on('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode })
      ws.terminate()
    })
    ws.on('error', () => resolve({ opened: false }))
  })
}
