/**
 * Every worker starts with TF_FORCE_GPU_ALLOW_GROWTH=true (a forked process really sees it, and
 * the utilityProcess launcher passes it), so one tfjs-node-gpu worker does not take all GPU memory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'

const forks = vi.hoisted(() => [] as Array<{ env?: NodeJS.ProcessEnv; serviceName?: string }>)
vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events')
  return {
    utilityProcess: {
      fork: (_script: string, _args: string[], opts: { env?: NodeJS.ProcessEnv; serviceName?: string }) => {
        forks.push(opts)
        return Object.assign(new EventEmitter(), {
          pid: undefined,
          stderr: null,
          postMessage: vi.fn(),
          kill: vi.fn()
        })
      }
    }
  }
})

import { ForkWorkerLauncher, workerEnv } from '../../../../src/main/services/worker-launcher'
const { UtilityWorkerLauncher } = await import('../../../../src/main/ipc/utility-launcher')

let dir: string | undefined
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
  delete process.env.TF_FORCE_GPU_ALLOW_GROWTH
})

describe('worker environment', () => {
  it('turns GPU memory growth on unless the user chose otherwise', () => {
    expect(workerEnv({ PATH: '/bin' })).toMatchObject({
      PATH: '/bin',
      TF_FORCE_GPU_ALLOW_GROWTH: 'true',
      GAN_STUDIO_WORKER: '1'
    })
    expect(workerEnv({ TF_FORCE_GPU_ALLOW_GROWTH: 'false' }).TF_FORCE_GPU_ALLOW_GROWTH).toBe('false')
  })

  it('a forked worker sees it', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gs-env-'))
    const script = path.join(dir, 'echo-env.cjs')
    writeFileSync(
      script,
      "process.send({ type: 'event', env: process.env.TF_FORCE_GPU_ALLOW_GROWTH }, () => process.exit(0))\n"
    )
    const h = new ForkWorkerLauncher({ script, nice: 0 }).launch()
    const got = await new Promise<unknown>((resolve) => h.onMessage((m) => resolve(m)))
    expect(got).toEqual({ type: 'event', env: 'true' })
  })

  it('the utilityProcess launcher passes it, with a service name per worker kind', () => {
    new UtilityWorkerLauncher('/x/inference-worker.js', 'GAN Studio inference').launch()
    expect(forks[0]?.env?.TF_FORCE_GPU_ALLOW_GROWTH).toBe('true')
    expect(forks[0]?.serviceName).toBe('GAN Studio inference')
  })
})
