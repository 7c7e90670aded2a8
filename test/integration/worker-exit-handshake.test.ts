/**
 * A real forked trainer worker keeps the exit handshake: after its last answer it says `exiting`
 * and stays alive (it still answers requests) until the parent acks; then it exits 0. Under
 * Electron's utilityProcess the port closes before 'exit', so a worker that exited on its own
 * could drop its final status and be recorded as crashed.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { TEST_WORKER } from './helpers'
import type { FromWorker } from '../../src/main/worker/protocol'

let child: ChildProcess | undefined
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** Messages of `c` as they come; `seen(type, n)` resolves once `n` of `type` have arrived. */
function recorder(c: ChildProcess): {
  order: string[]
  seen: (type: FromWorker['type'], n: number) => Promise<void>
} {
  const order: string[] = []
  const waiters: Array<() => void> = []
  c.on('message', (m: FromWorker) => {
    order.push(m.type)
    for (const w of waiters.splice(0)) w()
  })
  const seen = (type: FromWorker['type'], n: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (order.filter((t) => t === type).length >= n) return resolve()
        waiters.push(check)
      }
      c.once('exit', (code) => reject(new Error(`worker exited (${code}) before ${n}× '${type}'`)))
      check()
    })
  return { order, seen }
}

describe('trainer worker exit handshake (fork)', () => {
  it('exits only after the parent acknowledged its last message', async () => {
    const c = fork(TEST_WORKER.script, [], {
      execArgv: TEST_WORKER.execArgv,
      env: { ...process.env, GAN_STUDIO_WORKER: '1' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc']
    })
    child = c
    const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)))
    const { order, seen } = recorder(c)

    c.send({ type: 'probe', backend: 'cpu' })
    await seen('exiting', 1)
    // Not acked yet: the worker is still there and still answers.
    c.send({ type: 'probe', backend: 'cpu' })
    await seen('backend', 2)
    expect(c.exitCode).toBeNull()

    c.send({ type: 'exit-ack' })
    await expect(exited).resolves.toBe(0)
    expect(order).toEqual(['backend', 'exiting', 'backend'])
  })
})
