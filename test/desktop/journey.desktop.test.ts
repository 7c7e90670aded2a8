/**
 * The studio journey in the desktop app: the built out/main, out/preload and renderer in the
 * stand-in Electron runtime (test/desktop/runtime), driven by role and label like the serve e2e
 * (test/e2e/studio.e2e.test.ts, explorer.e2e.test.ts). Every request goes through the preload,
 * contextBridge's copy rules, IPC with Chromium's sender frames, and main's handlers; training
 * runs in a real utility process; the export goes through the native save dialog.
 *
 * Screenshots of every view: test-results/desktop-*.png. Needs `npx electron-vite build`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { readPngText } from '../../src/main/imaging/png'
import { ROOT, desktopPrerequisite, startDesktop, type DesktopRuntime } from './runtime/runtime'

const missing = desktopPrerequisite()
if (missing) console.warn(`desktop journey skipped: ${missing}`)

const RESULTS = path.join(ROOT, 'test-results')
const WAIT = { timeout: 90_000, interval: 250 }

async function stepOf(status: Locator): Promise<number> {
  const m = /step (\d+)/.exec((await status.textContent()) ?? '')
  return m ? Number(m[1]) : -1
}

async function pointsOf(chart: Locator): Promise<number> {
  return Number((await chart.getAttribute('data-points')) ?? '0')
}

describe.skipIf(missing !== null)('the desktop app in the stand-in Electron runtime', () => {
  let rt: DesktopRuntime
  let page: Page
  const pageErrors: string[] = []
  const consoleErrors: string[] = []

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(RESULTS, `desktop-${name}.png`) })
  }

  /** On failure: a screenshot and what the page, main and the dialogs said. */
  async function withDiagnostics(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body()
    } catch (err) {
      await page
        ?.screenshot({ path: path.join(RESULTS, `desktop-failure-${name}.png`) })
        .catch(() => undefined)
      console.error(
        `page errors: ${JSON.stringify(pageErrors)}\nconsole errors: ${JSON.stringify(consoleErrors.slice(-20))}\n` +
          `error boxes: ${JSON.stringify(rt?.dialogs.errorBoxes)}\npreload errors: ${JSON.stringify(rt?.preloadErrors)}`
      )
      throw err
    }
  }

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    rt = await startDesktop({ viewport: { width: 1280, height: 800 } })
    ;({ page } = await rt.firstWindow())
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
  }, 180_000)

  afterAll(async () => {
    const code = await rt?.close()
    // Quitting lets live runs checkpoint and the app exit cleanly.
    expect(code).toBe(0)
  }, 120_000)

  test('the window shows the app page from app:// with the preload’s window.studio', async () => {
    expect(rt.windows).toHaveLength(1)
    expect(rt.windows[0]!.webContents.getURL()).toMatch(/^app:\/\/renderer\/index\.html/)
    expect(rt.windows[0]!.isVisible()).toBe(true)
    const seen = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>
      return { studio: typeof w.studio, require: typeof w.require, process: typeof w.process }
    })
    expect(seen).toEqual({ studio: 'object', require: 'undefined', process: 'undefined' })
    expect(rt.preloadErrors).toEqual([])
  })

  test(
    'datasets, Quick demo, start, pause, reload, resume, stop, runs, branch',
    () =>
      withDiagnostics('train', async () => {
        await page.getByRole('heading', { name: 'Datasets', level: 1 }).waitFor()
        const mnist = page.getByRole('article', { name: 'MNIST digits' })
        await mnist.locator('img').first().waitFor({ timeout: 180_000 })
        await page
          .getByRole('article', { name: 'Fashion-MNIST' })
          .locator('img')
          .first()
          .waitFor({ timeout: 180_000 })
        await expect.poll(() => page.getByText('Backend: connecting').count(), WAIT).toBe(0)
        await shot('datasets')

        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Train' }).click()
        const status = page
          .getByRole('status')
          .filter({ hasText: /Idle|Running|Paused|Stopped|Finished|Crashed/ })
        await expect.poll(() => status.textContent(), WAIT).toMatch(/Idle/)
        await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Quick demo' })
        await page.getByLabel('Dataset', { exact: true }).selectOption('mnist')
        await page.getByLabel('Steps', { exact: true }).fill('3000')
        await page.getByLabel('Sample every', { exact: true }).fill('10')
        // Early checkpoints, so the run has one to branch from and to explore.
        await page.getByLabel('Checkpoint every', { exact: true }).fill('10')
        await page.getByLabel('Run name', { exact: true }).fill('desktop journey')
        const start = page.getByRole('button', { name: 'Start training' })
        await expect.poll(() => start.isEnabled(), WAIT).toBe(true)
        await start.click()
        await expect.poll(() => status.textContent(), WAIT).toMatch(/^Running/)

        const loss = page.getByRole('img', { name: 'Loss chart' })
        await expect.poll(() => pointsOf(loss), WAIT).toBeGreaterThan(2)
        await page.getByRole('img', { name: /Sample grid at step [1-9]/ }).waitFor({ timeout: 120_000 })
        await shot('train-running')

        await page.getByRole('button', { name: 'Pause' }).click()
        await expect.poll(() => status.textContent(), WAIT).toMatch(/^Paused at step \d+/)
        const pausedStep = await stepOf(status)
        const pausedPoints = await pointsOf(loss)
        await shot('train-paused')

        // Reload the window (webContents.reload): a new document and a new preload world; the
        // run, its state and its chart come back from main.
        rt.windows[0]!.webContents.reload()
        await page.waitForEvent('load')
        await expect.poll(() => status.textContent(), WAIT).toMatch(/^Paused at step \d+/)
        expect(await stepOf(status)).toBe(pausedStep)
        await expect.poll(() => pointsOf(loss), WAIT).toBeGreaterThanOrEqual(pausedPoints)
        await shot('train-reloaded')

        await page.getByRole('button', { name: 'Resume' }).click()
        await expect.poll(() => status.textContent(), WAIT).toMatch(/^Running/)
        await expect.poll(() => stepOf(status), WAIT).toBeGreaterThan(pausedStep)
        await shot('train-resumed')

        await page.getByRole('button', { name: 'Stop' }).click()
        await expect.poll(() => status.textContent(), WAIT).toMatch(/^Stopped at step \d+/)
        await shot('train-stopped')

        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click()
        const row = page.getByRole('row').filter({ hasText: 'desktop journey' })
        await row.first().waitFor()
        await expect.poll(() => row.first().textContent(), WAIT).toMatch(/stopped/)
        await shot('runs')

        // Branch from its first checkpoint: the run's config is Vue state in the page, and
        // contextBridge refuses Proxies, so this crosses only as plain data.
        await row
          .first()
          .getByRole('button', { name: /Show details of/ })
          .click()
        const branch = page.getByRole('button', { name: /^Branch from ckpt-/ }).first()
        await branch.waitFor()
        await branch.click()
        await page.waitForURL(/#\/train\?run=/)
        await expect.poll(() => status.textContent(), WAIT).toMatch(/^(Running|Paused|Stopped|Finished)/)
        await expect.poll(() => page.getByText(/branch @\d+/).count(), WAIT).toBeGreaterThan(0)
        await shot('train-branch')
        if (/^Running/.test((await status.textContent()) ?? '')) {
          await page.getByRole('button', { name: 'Stop' }).click()
          await expect.poll(() => status.textContent(), WAIT).toMatch(/^Stopped at step \d+/)
        }
        expect(pageErrors).toEqual([])
      }),
    480_000
  )

  test(
    'explore: two bookmarks, interpolate, export a PNG through the save dialog',
    () =>
      withDiagnostics('explore', async () => {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click()
        const row = page.getByRole('row').filter({ hasText: /^(?!.*branch).*desktop journey/ })
        await row.first().waitFor()
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Explore' }).click()
        await page.getByRole('heading', { name: 'Explore', level: 1 }).waitFor()
        const grid = page.getByRole('list', { name: 'Generated images' })
        await expect.poll(() => grid.locator('img').count(), WAIT).toBe(64)
        const runId = await page.getByLabel('Run', { exact: true }).inputValue()
        const checkpoint = await page.getByLabel('Checkpoint', { exact: true }).inputValue()
        await shot('explore')

        await page.getByRole('listitem', { name: 'Seed 3', exact: true }).click()
        await page.getByRole('img', { name: 'Image A' }).waitFor()
        await page.getByRole('listitem', { name: 'Seed 7', exact: true }).click()
        await page.getByRole('img', { name: 'Image B' }).waitFor()

        // Two bookmarks: A (seed 3), then A and B swapped (seed 7).
        await page.getByRole('button', { name: 'Bookmark A' }).click()
        await expect.poll(() => page.getByRole('button', { name: /^Use bookmark / }).count(), WAIT).toBe(1)
        await page.getByRole('button', { name: 'Swap A and B' }).click()
        await page.getByRole('button', { name: 'Bookmark A' }).click()
        await expect.poll(() => page.getByRole('button', { name: /^Use bookmark / }).count(), WAIT).toBe(2)

        await page.getByLabel('Interpolation', { exact: true }).selectOption({ label: 'Spherical' })
        await page.getByLabel('Steps', { exact: true }).fill('8')
        await page.getByLabel('Steps', { exact: true }).blur()
        await page.getByRole('button', { name: 'Interpolate' }).click()
        const strip = page.getByRole('list', { name: 'Interpolation strip' })
        await expect.poll(() => strip.getByRole('listitem').count(), WAIT).toBe(8)
        await shot('explore-interpolation')

        // Export PNG: the app asks where to save with the native dialog, then writes the file.
        const saved = path.join(rt.userData, 'exported-a.png')
        rt.dialogs.answerSave = () => ({ canceled: false, filePath: saved })
        const asked = rt.dialogs.saveRequests.length
        await page.getByRole('button', { name: 'Export PNG' }).click()
        await expect.poll(() => rt.dialogs.saveRequests.length, WAIT).toBeGreaterThan(asked)
        await expect.poll(() => existsSync(saved), WAIT).toBe(true)
        await page.getByText('Export saved').first().waitFor()
        const text = readPngText(readFileSync(saved))
        expect(text.run).toBe(runId)
        expect(text.checkpoint).toBe(checkpoint)
        expect(text.seed).toBe('7')
        await shot('explore-exported')
        expect(pageErrors).toEqual([])
      }),
    300_000
  )

  test('a menu command reaches the page: View › Runs shows the runs', () =>
    withDiagnostics('menu', async () => {
      expect(rt.menuLabels()).toEqual(expect.arrayContaining(['File', 'View']))
      // Start elsewhere, so only the menu can bring the page to Runs.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).click()
      await page.getByRole('heading', { name: 'Datasets', level: 1 }).waitFor()
      expect(page.url()).not.toMatch(/#\/runs/)
      rt.clickMenu(['View', 'Runs'])
      await page.waitForURL(/#\/runs/)
      await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor()
      await shot('menu-runs')
    }))
})
