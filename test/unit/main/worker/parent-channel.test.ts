/**
 * The worker's half of the exit handshake over both transports, with a scripted process object:
 * the worker says `exiting` after its other messages and ends only when the parent acks (or the
 * parent is gone, or the wait times out).
 */
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { connectToParent, type WorkerProcess } from '../../../../src/main/worker/parent-channel'

class FakePort extends EventEmitter {
  sent: unknown[] = []
  postMessage(m: unknown): void {
    this.sent.push(m)
  }
}

function utilityProcess(): { proc: WorkerProcess; port: FakePort; exits: number[] } {
  const port = new FakePort()
  const exits: number[] = []
  const proc = Object.assign(new EventEmitter(), {
    parentPort: port,
    exit: (code: number): never => {
      exits.push(code)
      return undefined as never
    }
  }) as unknown as WorkerProcess
  return { proc, port, exits }
}

describe('connectToParent (utilityProcess parentPort)', () => {
  it('exits only after the parent acknowledged the last message', async () => {
    const { proc, port, exits } = utilityProcess()
    const got: unknown[] = []
    const ch = connectToParent((m) => got.push(m), proc)
    if (!ch) throw new Error('expected a channel')
    await ch.post({ type: 'status', status: 'finished', step: 2 })
    const done = ch.exit(0)
    await Promise.resolve()
    expect(port.sent).toEqual([
      { type: 'status', status: 'finished', step: 2 },
      { type: 'exiting', code: 0 }
    ])
    expect(exits).toEqual([])
    port.emit('message', { data: { type: 'pause' } })
    expect(got).toEqual([{ type: 'pause' }])
    port.emit('message', { data: { type: 'exit-ack' } })
    await done
    expect(exits).toEqual([0])
    // The ack is the channel's business, never the worker's.
    expect(got).toEqual([{ type: 'pause' }])
  })

  it('exits anyway when no ack comes', async () => {
    const { proc, exits } = utilityProcess()
    const ch = connectToParent(() => undefined, proc, 5)
    await ch?.exit(3)
    expect(exits).toEqual([3])
  })
})

describe('connectToParent (fork)', () => {
  it('waits for the ack, and does not wait once the parent disconnected', async () => {
    const exits: number[] = []
    const sent: unknown[] = []
    const make = (): WorkerProcess =>
      Object.assign(new EventEmitter(), {
        connected: true,
        send: (m: unknown, _h?: undefined, _o?: object, cb?: (e: Error | null) => void): boolean => {
          sent.push(m)
          cb?.(null)
          return true
        },
        exit: (code: number): never => {
          exits.push(code)
          return undefined as never
        }
      }) as unknown as WorkerProcess
    const a = make()
    const ch = connectToParent(() => undefined, a)
    const done = ch?.exit(0)
    await new Promise((r) => setImmediate(r))
    expect(sent).toEqual([{ type: 'exiting', code: 0 }])
    expect(exits).toEqual([])
    ;(a as unknown as EventEmitter).emit('message', { type: 'exit-ack' })
    await done
    expect(exits).toEqual([0])

    const b = make()
    const ch2 = connectToParent(() => undefined, b)
    ;(b as unknown as EventEmitter).emit('disconnect')
    await ch2?.exit(1)
    expect(exits).toEqual([0, 1])
  })

  it('is undefined outside a worker process', () => {
    const proc = Object.assign(new EventEmitter(), { exit: (): never => undefined as never })
    expect(connectToParent(() => undefined, proc as unknown as WorkerProcess)).toBeUndefined()
  })
})
