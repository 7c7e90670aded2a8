/**
 * The stand-in's utilityProcess: a real child with `process.parentPort`, MessageEvent-shaped
 * messages, and the port closed before 'exit' — a message the child posts just before exiting
 * is lost unless the parent has read it, which is the race behind issue 13's defect 7.
 */
import { describe, expect, test } from 'vitest'
import path from 'node:path'
import { createUtilityProcessModule, type UtilityProcessStandIn } from './runtime/utility-process'

const CHILD = path.join(__dirname, 'fixtures', 'utility-child.cjs')

function collect(p: UtilityProcessStandIn): { messages: unknown[]; exit: Promise<number> } {
  const messages: unknown[] = []
  p.on('message', (m: unknown) => messages.push(m))
  return { messages, exit: new Promise((r) => p.once('exit', r)) }
}

describe('utilityProcess.fork in the stand-in', () => {
  test('parentPort messages are { data, ports } events; the child has no process.send', async () => {
    const p = createUtilityProcessModule({ deliveryDelayMs: 0 }).fork(CHILD, [], { stdio: 'pipe' })
    const { messages, exit } = collect(p)
    p.postMessage({ type: 'echo', value: { n: 1, bytes: new Uint8Array([1, 2]) } })
    await expect.poll(() => messages.length, { timeout: 20_000 }).toBe(1)
    expect(messages[0]).toEqual({
      echo: { n: 1, bytes: new Uint8Array([1, 2]) },
      keys: ['data', 'ports'],
      hasSend: 'undefined'
    })
    p.kill()
    expect(await exit).not.toBe(0)
    expect(p.pid).toBeUndefined()
  })

  test('a message posted just before exit is dropped when the parent has not read it yet', async () => {
    // The parent is "busy" for 300 ms after each message arrives; the child exits at once.
    const p = createUtilityProcessModule({ deliveryDelayMs: 300 }).fork(CHILD, [], { stdio: 'pipe' })
    const { messages, exit } = collect(p)
    p.postMessage({ type: 'post-then-exit' })
    expect(await exit).toBe(0)
    await new Promise((r) => setTimeout(r, 400))
    expect(messages).toEqual([])
  })

  test('a child that waits for the parent to acknowledge loses nothing', async () => {
    const p = createUtilityProcessModule({ deliveryDelayMs: 300 }).fork(CHILD, [], { stdio: 'pipe' })
    const { messages, exit } = collect(p)
    p.on('message', () => p.postMessage({ type: 'ack' }))
    p.postMessage({ type: 'wait-for-ack' })
    expect(await exit).toBe(0)
    expect(messages).toEqual([{ last: true }])
  })
})
