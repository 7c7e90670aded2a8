/**
 * The Playground in a real browser against `gan-studio serve`: choose the ring, play, see the
 * picture change, pause, step once, read the step counter and the mode count by their accessible
 * names; run a scenario; save and reopen the run; save the picture. Measures the main thread's
 * frame time (requestAnimationFrame deltas) with 512 points while training and prints it; it
 * asserts nothing about time.
 *
 * Needs a build: `npx electron-vite build`. Run: `npx vitest run -c vitest.e2e.config.ts test/e2e/playground.e2e.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import {
  RESULTS_DIR,
  ROOT,
  launchChromium,
  missingPrerequisite,
  startServe,
  type ServedStudio
} from './helpers/serve'

const missing = missingPrerequisite()
if (missing) console.warn(`playground e2e skipped: ${missing}`)

const WAIT = { timeout: 90_000, interval: 100 }

/**
 * requestAnimationFrame deltas (ms) over `ms` milliseconds, and the main thread's long tasks
 * (> 50 ms of work in one task) in that time: jank with no long task is the machine's scheduler,
 * not the page's own work.
 */
async function frameDeltas(page: Page, ms: number): Promise<{ deltas: number[]; longTasks: number }> {
  return page.evaluate(
    (span) =>
      new Promise<{ deltas: number[]; longTasks: number }>((resolve) => {
        const deltas: number[] = []
        let longTasks = 0
        const observer = new PerformanceObserver((list) => {
          longTasks += list.getEntries().length
        })
        observer.observe({ type: 'longtask' })
        let last = -1
        let end = 0
        const tick = (t: number): void => {
          if (last >= 0) deltas.push(t - last)
          else end = t + span
          last = t
          if (t < end) requestAnimationFrame(tick)
          else {
            observer.disconnect()
            resolve({ deltas, longTasks })
          }
        }
        requestAnimationFrame(tick)
      }),
    ms
  )
}

interface TraceEvent {
  name: string
  cat?: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  tdur?: number
  args?: { name?: string }
}

/**
 * CPU time (thread time, not wall time, so a loaded machine does not inflate it) of the page's
 * main thread and of its dedicated worker, in ms per second of the trace window: the outermost
 * top-level tasks of each thread, summed.
 */
function threadCpu(events: TraceEvent[], windowMs: number): { main: number; worker: number; all: number } {
  const threadOf = (name: RegExp): { pid: number; tid: number } | undefined =>
    events.find((e) => e.ph === 'M' && e.name === 'thread_name' && name.test(e.args?.name ?? ''))
  const cpu = (t: { pid: number; tid: number } | undefined): number => {
    if (!t) return NaN
    const tasks = events
      .filter((e) => e.pid === t.pid && e.tid === t.tid && e.ph === 'X' && (e.cat ?? '').includes('toplevel'))
      .sort((a, b) => a.ts - b.ts)
    let end = -Infinity
    let sum = 0
    for (const e of tasks) {
      if (e.ts < end) continue
      end = e.ts + (e.dur ?? 0)
      sum += e.tdur ?? 0
    }
    return sum / 1000 / (windowMs / 1000)
  }
  // Every thread of every Chromium process in the trace (compositor, raster, GPU/viz included).
  const threads = new Map<string, { pid: number; tid: number }>()
  for (const e of events) if (e.ph === 'X') threads.set(`${e.pid}:${e.tid}`, { pid: e.pid, tid: e.tid })
  let all = 0
  for (const t of threads.values()) all += cpu(t)
  return { main: cpu(threadOf(/^CrRendererMain$/)), worker: cpu(threadOf(/DedicatedWorker/)), all }
}

function describeFrames({ deltas: frames, longTasks }: { deltas: number[]; longTasks: number }): string {
  const sorted = [...frames].sort((a, b) => a - b)
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN
  return `${frames.length} frames, median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${q(1).toFixed(1)} ms, ${longTasks} long tasks on the main thread`
}

async function numberOf(output: Locator): Promise<number> {
  return Number((await output.textContent())?.trim() ?? 'NaN')
}

describe.skipIf(missing !== null)('playground in Chromium against gan-studio serve', () => {
  let served: ServedStudio
  let browser: Browser
  let page: Page
  const errors: string[] = []

  beforeAll(async () => {
    served = await startServe()
    browser = await launchChromium()
    const context = await browser.newContext({
      viewport: { width: 1280, height: 1000 },
      colorScheme: 'light',
      acceptDownloads: true
    })
    context.setDefaultTimeout(90_000)
    page = await context.newPage()
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  }, 60_000)

  test('ring: play, picture changes, pause, step, modes; scenario; save and reopen', async () => {
    try {
      await page.goto(served.url)
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playground' }).click()
      await page.getByRole('heading', { name: 'Playground', level: 1 }).waitFor()
      const step = page.getByLabel('Step', { exact: true })
      const modes = page.getByLabel('Modes covered', { exact: true })
      const target = page.getByLabel('Target', { exact: true })
      const picture = page.getByRole('img', { name: 'Playground picture' })

      // The grid has 25 modes, the ring 8: the readout follows the chosen target.
      await target.selectOption('grid')
      await expect.poll(() => modes.textContent(), WAIT).toMatch(/^\d+ of 25$/)
      await target.selectOption('ring')
      await expect.poll(() => modes.textContent(), WAIT).toMatch(/^\d+ of 8$/)
      expect(await numberOf(step)).toBe(0)
      const before = await picture.screenshot()

      await page.getByRole('button', { name: 'Play', exact: true }).click()
      await expect.poll(() => numberOf(step), WAIT).toBeGreaterThan(30)
      const during = await picture.screenshot()
      expect(Buffer.compare(before, during)).not.toBe(0)

      // Frame time of the page while the worker trains and 512 points are drawn (rAF deltas),
      // against the same page idle (paused) in the same run: the machine's load shows in both.
      await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline'] })
      const training = await frameDeltas(page, 4000)
      const traceBytes = await browser.stopTracing()
      // Kept for a look in chrome://tracing or Perfetto (test-results/ is gitignored).
      writeFileSync(path.join(RESULTS_DIR, 'playground-trace.json'), traceBytes)
      const trace = JSON.parse(traceBytes.toString()) as { traceEvents: TraceEvent[] }
      const cpu = threadCpu(trace.traceEvents, 4000)
      const drawMs = await picture.getAttribute('data-draw-ms')
      const speed = await page.getByText(/steps\/s/).textContent()
      expect(training.deltas.length).toBeGreaterThan(10)

      await page.getByRole('button', { name: 'Pause', exact: true }).click()
      await page.getByRole('button', { name: 'Play', exact: true }).waitFor()
      await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline'] })
      const idle = await frameDeltas(page, 4000)
      const idleCpu = threadCpu(
        (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents,
        4000
      )
      console.log(
        `playground frame time, 512 points: training ${describeFrames(training)}; idle ${describeFrames(idle)}; ` +
          `CPU time while training: main thread ${cpu.main.toFixed(0)} ms/s, worker ${cpu.worker.toFixed(0)} ms/s; all browser threads ${cpu.all.toFixed(0)} ms/s; idle: main thread ${idleCpu.main.toFixed(0)} ms/s, all ${idleCpu.all.toFixed(0)} ms/s; ` +
          `canvas draw ${drawMs} ms per picture; ${speed?.trim()}; load average ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`
      )
      // Settled: the worker's last picture after the pause has arrived.
      let paused = -1
      await expect
        .poll(async () => {
          const now = await numberOf(step)
          const same = now === paused
          paused = now
          return same
        }, WAIT)
        .toBe(true)
      await page.getByRole('button', { name: 'Step', exact: true }).click()
      await expect.poll(() => numberOf(step), WAIT).toBe(paused + 1)
      expect(await modes.textContent()).toMatch(/^[0-8] of 8$/)
      await expect
        .poll(
          () =>
            page
              .getByRole('status')
              .filter({ hasText: `Step ${paused + 1}.` })
              .count(),
          WAIT
        )
        .toBe(1)

      // A scenario from the UI: its stated result (see scenarios.test.ts) appears.
      await page.getByLabel('Scenario', { exact: true }).selectOption('ring-balanced')
      await page.getByRole('button', { name: 'Run scenario' }).click()
      const result = page.getByRole('status', { name: 'Scenario result' })
      await expect
        .poll(() => result.textContent(), { ...WAIT, timeout: 180_000 })
        .toMatch(/8 of 8 modes covered/)
      expect(await numberOf(step)).toBe(600)
      mkdirSync(path.join(ROOT, 'docs/screenshots'), { recursive: true })
      await page.getByRole('heading', { name: 'Playground', level: 1 }).scrollIntoViewIfNeeded()
      await page.screenshot({ path: path.join(ROOT, 'docs/screenshots/playground.png') })

      // Save the run, reopen it: the same config comes back at step 0.
      const jsonDownload = page.waitForEvent('download')
      await page.getByRole('button', { name: 'Save run (JSON)' }).click()
      const json = await jsonDownload
      const saved = path.join(RESULTS_DIR, 'playground-run.json')
      await json.saveAs(saved)
      const run = JSON.parse(readFileSync(saved, 'utf8')) as {
        config: { target: string; dSteps: number }
        step: number
      }
      expect(run.config).toMatchObject({ target: 'ring', dSteps: 2 })
      expect(run.step).toBe(600)
      await page.getByLabel('Open run file').setInputFiles(saved)
      await page.getByText(/Opened a ring of 8 gaussians run \(seed 1\), saved at step 600/).waitFor()
      await expect.poll(() => numberOf(step), WAIT).toBe(0)
      await expect
        .poll(() => page.getByLabel('D steps per G step', { exact: true }).inputValue(), WAIT)
        .toBe('2')

      const pngDownload = page.waitForEvent('download')
      await page.getByRole('button', { name: 'Save picture (PNG)' }).click()
      const png = await pngDownload
      const pngPath = path.join(RESULTS_DIR, 'playground-picture.png')
      await png.saveAs(pngPath)
      expect(readFileSync(pngPath).subarray(1, 4).toString()).toBe('PNG')

      // Points drawn with the mouse become the target: one stroke across the picture.
      await target.selectOption('drawn')
      await expect
        .poll(() => page.getByRole('button', { name: 'Play', exact: true }).isDisabled(), WAIT)
        .toBe(true)
      const box = (await picture.boundingBox())!
      await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.5)
      await page.mouse.down()
      for (let i = 1; i <= 20; i++)
        await page.mouse.move(box.x + box.width * (0.25 + i * 0.025), box.y + box.height * (0.5 - i * 0.01))
      await page.mouse.up()
      await page.getByText(/Drag on the picture to draw target points \((1\d|2\d) so far\)/).waitFor()
      await expect.poll(() => modes.textContent(), WAIT).toMatch(/^\d of 8$/)
      await expect
        .poll(() => page.getByRole('button', { name: 'Play', exact: true }).isEnabled(), WAIT)
        .toBe(true)
      expect(errors).toEqual([])
    } catch (err) {
      await page.screenshot({ path: path.join(RESULTS_DIR, 'playground-failure.png') }).catch(() => undefined)
      console.error(`page errors: ${JSON.stringify(errors)}\nserve stderr:\n${served.stderr().slice(-3000)}`)
      throw err
    }
  })
})
