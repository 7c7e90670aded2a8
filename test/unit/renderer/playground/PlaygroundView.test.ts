// @vitest-environment happy-dom
/**
 * The Playground view wired to the real worker host, run in-process as a stand-in Worker: the
 * controls send the right messages and the readouts follow the pictures that come back.
 */
import { describe, expect, test } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import PlaygroundView from '../../../../src/renderer/src/views/PlaygroundView.vue'
import { PlaygroundHost } from '../../../../src/renderer/src/playground/host'
import type { FromWorker, ToWorker } from '../../../../src/renderer/src/playground/protocol'
import { PLAYGROUND_WORKER, type WorkerLike } from '../../../../src/renderer/src/playground/usePlayground'

interface InProcessWorker extends WorkerLike {
  sent: ToWorker[]
  /** Runs the host's pending slices (what setTimeout would do in a real worker). */
  tick(n?: number): void
}

function inProcessWorker(): InProcessWorker {
  const timers: (() => void)[] = []
  const w: InProcessWorker = {
    sent: [],
    onmessage: null,
    onerror: null,
    postMessage(msg) {
      w.sent.push(msg)
      host.handle(JSON.parse(JSON.stringify(msg)) as ToWorker)
    },
    terminate() {},
    tick(n = 1) {
      for (let i = 0; i < n && timers.length; i++) timers.shift()!()
    }
  }
  const host = new PlaygroundHost({
    post: (msg: FromWorker) => w.onmessage?.({ data: msg } as MessageEvent<FromWorker>),
    later: (fn) => void timers.push(fn),
    now: () => performance.now()
  })
  return w
}

async function mountView(): Promise<{ w: ReturnType<typeof mount>; worker: InProcessWorker }> {
  const worker = inProcessWorker()
  const w = mount(PlaygroundView, {
    global: { provide: { [PLAYGROUND_WORKER as symbol]: () => worker } },
    attachTo: document.body
  })
  await flushPromises()
  return { w, worker }
}

const output = (w: ReturnType<typeof mount>, id: string): string => w.find(`#${id}`).text()

describe('PlaygroundView', () => {
  test('target, step and play drive the worker; readouts follow its pictures', async () => {
    const { w, worker } = await mountView()
    expect(worker.sent.find((m) => m.type === 'reset')).toMatchObject({ config: { target: 'ring' } })
    expect(output(w, 'pg-step')).toBe('0')
    expect(output(w, 'pg-modes')).toMatch(/^\d of 8$/)

    await w.find('#pg-target').setValue('grid')
    await flushPromises()
    expect(worker.sent.at(-1)).toMatchObject({ type: 'reset', config: { target: 'grid' } })
    expect(output(w, 'pg-modes')).toMatch(/^\d+ of 25$/)

    const button = (name: string): ReturnType<typeof w.find> =>
      w.findAll('button').find((b) => b.text() === name)!
    await button('Step').trigger('click')
    await flushPromises()
    expect(output(w, 'pg-step')).toBe('1')

    await button('Play').trigger('click')
    worker.tick(2)
    await flushPromises()
    expect(worker.sent.at(-1)).toEqual({ type: 'play' })
    expect(Number(output(w, 'pg-step'))).toBeGreaterThan(1)
    expect(button('Pause').exists()).toBe(true)
    await button('Pause').trigger('click')
    await flushPromises()
    expect(button('Play').exists()).toBe(true)
    expect(w.find('[role="status"][aria-live="polite"]').text()).toMatch(
      /^Step \d+\. \d+ of 25 modes covered\./
    )
    w.unmount()
  })

  test('a live learning rate is sent as a change; a bad one is refused at the field', async () => {
    const { w, worker } = await mountView()
    const lr = w.find('#pg-lr-g')
    await lr.setValue('5')
    await lr.trigger('change')
    expect(
      worker.sent.filter((m) => m.type === 'change'),
      JSON.stringify(worker.sent)
    ).toEqual([])
    expect(w.find('#pg-lr-g-msg').text()).not.toBe('')

    await lr.setValue('0.01')
    await lr.trigger('change')
    await flushPromises()
    expect(worker.sent.at(-1)).toEqual({ type: 'change', change: { setting: 'lrG', value: 0.01 } })
    expect(w.find('#pg-lr-g-msg').text()).toBe('live')
    w.unmount()
  })

  test('a structural field starts a new run with it; an unknown run file is refused with a message', async () => {
    const { w, worker } = await mountView()
    const width = w.find('#pg-g-width')
    await width.setValue('16')
    await width.trigger('change')
    await flushPromises()
    expect(worker.sent.at(-1)).toMatchObject({ type: 'reset', config: { generator: { width: 16 } } })

    const input = w.find('input[type="file"]')
    const file = new File(['{"hello":1}'], 'x.json', { type: 'application/json' })
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    await flushPromises()
    expect(w.find('[role="alert"]').text()).toContain('This JSON file is not a playground run')
    w.unmount()
  })
})
