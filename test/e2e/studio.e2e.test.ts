/**
 * The studio in a real browser: `gan-studio serve` as a child process over a temp data dir,
 * Debian's Chromium through playwright-core, driven by role and label. No sleeps: every step
 * waits for a visible state. Screenshots of every view go to test-results/ (gitignored); the two
 * README screenshots go to docs/screenshots/.
 *
 * Needs a build: `npx electron-vite build`. Run: `npx vitest run -c vitest.e2e.config.ts test/e2e/studio.e2e.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
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
if (missing) console.warn(`studio e2e skipped: ${missing}`)

const WAIT = { timeout: 90_000, interval: 250 }

/** The step named by the run-state live region ("Running: step 120 of 3000"). */
async function stepOf(status: Locator): Promise<number> {
  const m = /step (\d+)/.exec((await status.textContent()) ?? '')
  return m ? Number(m[1]) : -1
}

async function pointsOf(chart: Locator): Promise<number> {
  return Number((await chart.getAttribute('data-points')) ?? '0')
}

async function shot(page: Page, name: string, also?: string): Promise<void> {
  // Prefixed: other e2e suites write into the same folder.
  await page.screenshot({ path: path.join(RESULTS_DIR, `studio-${name}.png`) })
  if (also) {
    mkdirSync(path.dirname(also), { recursive: true })
    await page.screenshot({ path: also })
  }
}

describe.skipIf(missing !== null)('studio in Chromium against gan-studio serve', () => {
  let served: ServedStudio
  let browser: Browser
  let page: Page
  const errors: string[] = []
  const consoleErrors: string[] = []

  /** Runs a test body; on failure saves a screenshot and prints what the page said. */
  async function withDiagnostics(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body()
    } catch (err) {
      await page
        .screenshot({ path: path.join(RESULTS_DIR, `studio-failure-${name}.png`) })
        .catch(() => undefined)
      console.error(
        `page errors: ${JSON.stringify(errors)}\nconsole errors: ${JSON.stringify(consoleErrors.slice(-20))}\nserve stderr:\n${served.stderr().slice(-4000)}`
      )
      throw err
    }
  }

  beforeAll(async () => {
    served = await startServe()
    browser = await launchChromium()
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'light',
      acceptDownloads: true
    })
    // The machine may be busy (training runs in the same few cores): generous action timeouts.
    context.setDefaultNavigationTimeout(120_000)
    context.setDefaultTimeout(90_000)
    page = await context.newPage()
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  }, 60_000)

  test(
    'datasets, train, pause, reload, resume, stop, runs, validation',
    () =>
      withDiagnostics('main', async () => {
        // Datasets: the built-ins are listed with their thumbnails.
        await page.goto(served.url)
        await page.getByRole('heading', { name: 'Datasets', level: 1 }).waitFor()
        const mnist = page.getByRole('article', { name: 'MNIST digits' })
        await mnist.waitFor()
        // Thumbnails are decoded on first use; on a busy machine that takes a while.
        await mnist.locator('img').first().waitFor({ timeout: 180_000 })
        await page
          .getByRole('article', { name: 'Fashion-MNIST' })
          .locator('img')
          .first()
          .waitFor({ timeout: 180_000 })
        await expect.poll(() => page.getByText('Backend: connecting').count(), WAIT).toBe(0)
        await shot(page, 'datasets', path.join(ROOT, 'docs/screenshots/datasets.png'))

        // Train: preset "Quick demo", more steps than we will train so the run cannot finish first.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Train' }).click()
        const status = page
          .getByRole('status')
          .filter({ hasText: /Idle|Running|Paused|Stopped|Finished|Crashed/ })
        await expect.poll(() => status.textContent(), WAIT).toMatch(/Idle/)
        await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Quick demo' })
        await page.getByLabel('Dataset', { exact: true }).selectOption('mnist')
        await page.getByLabel('Steps', { exact: true }).fill('3000')
        // Frequent grids so the timeline has several steps to scrub within a short run.
        await page.getByLabel('Sample every', { exact: true }).fill('10')
        await page.getByLabel('Run name', { exact: true }).fill('e2e quick demo')
        const start = page.getByRole('button', { name: 'Start training' })
        await expect.poll(() => start.isEnabled(), WAIT).toBe(true)
        await start.click()
        await expect.poll(() => status.textContent(), WAIT).toMatch(/^Running/)

        // The loss chart gains points while training.
        const loss = page.getByRole('img', { name: 'Loss chart' })
        await expect.poll(() => pointsOf(loss), WAIT).toBeGreaterThan(2)
        const early = await pointsOf(loss)
        await expect.poll(() => pointsOf(loss), WAIT).toBeGreaterThan(early)
        // A sample grid is shown (Quick demo samples every 50 steps).
        await page.getByRole('img', { name: /Sample grid at step [1-9]/ }).waitFor({ timeout: 120_000 })
        expect(await page.getByLabel('Sample step', { exact: true }).isEnabled()).toBe(true)
        await shot(page, 'train-running')

        // Pause: the live region says so.
        await page.getByRole('button', { name: 'Pause' }).click()
        await expect.poll(() => status.textContent(), WAIT).toMatch(/^Paused at step \d+/)
        const pausedStep = await stepOf(status)
        const pausedPoints = await pointsOf(loss)
        await shot(page, 'train-paused')

        // Reload: the run, its state and its chart come back from disk.
        await page.reload()
        await expect.poll(() => status.textContent(), WAIT).toMatch(/^Paused at step \d+/)
        expect(await stepOf(status)).toBe(pausedStep)
        await expect.poll(() => pointsOf(loss), WAIT).toBeGreaterThanOrEqual(pausedPoints)
        await shot(page, 'train-reloaded')

        // Resume: steps increase.
        await page.getByRole('button', { name: 'Resume' }).click()
        await expect.poll(() => status.textContent(), WAIT).toMatch(/^Running/)
        await expect.poll(() => stepOf(status), WAIT).toBeGreaterThan(pausedStep)
        // Mid-run with a pause and a resume marked on the charts: the README screenshot.
        await expect.poll(() => pointsOf(loss), WAIT).toBeGreaterThan(pausedPoints)
        await shot(page, 'train-resumed', path.join(ROOT, 'docs/screenshots/train.png'))

        // Stop.
        await page.getByRole('button', { name: 'Stop' }).click()
        await expect.poll(() => status.textContent(), WAIT).toMatch(/^Stopped at step \d+/)
        await shot(page, 'train-stopped')

        // Runs lists the run as stopped.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click()
        const row = page.getByRole('row').filter({ hasText: 'e2e quick demo' })
        await row.waitFor()
        await expect.poll(() => row.textContent(), WAIT).toMatch(/stopped/)
        // Overlay its losses and export its metrics as CSV (a browser download).
        await row.getByRole('checkbox').click()
        await expect
          .poll(() => pointsOf(page.getByRole('img', { name: 'Comparison chart', exact: true })), WAIT)
          .toBeGreaterThan(0)
        const download = page.waitForEvent('download')
        await page.getByRole('button', { name: 'Export metrics CSV' }).click()
        expect((await download).suggestedFilename()).toMatch(/-metrics\.csv$/)
        await shot(page, 'runs')

        // A bad batch size: inline message, Start training disabled.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Train' }).click()
        const batch = page.getByLabel('Batch size', { exact: true })
        await batch.fill('0')
        await expect
          .poll(() => page.locator('#hp-batchSize-msg').textContent(), WAIT)
          .toMatch(/Must be at least 1/)
        expect(await batch.getAttribute('aria-invalid')).toBe('true')
        await expect.poll(() => start.isDisabled(), WAIT).toBe(true)
        await shot(page, 'train-invalid')
        await batch.fill('32')
        await expect.poll(() => start.isEnabled(), WAIT).toBe(true)

        // Clicking the sample grid opens that step in the explorer (issue #8's view).
        await page.getByRole('img', { name: /Sample grid at step/ }).click()
        await page.waitForURL(/#\/explore\?run=/)
        await shot(page, 'explore')

        expect(errors).toEqual([])
      }),
    420_000
  )

  test(
    'import a folder: progress, health report with the skipped file, remove with confirmation',
    () =>
      withDiagnostics('import', async () => {
        const source = mkdtempSync(path.join(os.tmpdir(), 'gs-e2e-images-'))
        for (let i = 0; i < 12; i++) {
          await sharp({
            create: { width: 40, height: 30, channels: 3, background: { r: i * 20, g: 120, b: 255 - i * 20 } }
          })
            .png()
            .toFile(path.join(source, `img-${i}.png`))
        }
        writeFileSync(path.join(source, 'broken.png'), 'this is not a png')
        await page.goto(`${served.url}#/datasets`)
        await page.getByRole('button', { name: 'Import folder' }).first().click()
        await page.getByLabel('Folder', { exact: true }).fill(source)
        await page.getByLabel('Name', { exact: true }).fill('e2e-shapes')
        await page.getByRole('button', { name: 'Import', exact: true }).click()
        const progress = page
          .getByRole('status')
          .filter({ hasText: /Scanning|Decoding|Writing|Imported|Failed|Cancelled/ })
        await expect.poll(() => progress.textContent(), WAIT).toMatch(/^Imported \d+ of \d+ files/)
        await page.getByRole('button', { name: 'Show report' }).click()
        const report = page.getByRole('dialog')
        await report.getByText('broken.png').waitFor()
        await shot(page, 'import-report')
        await report.getByRole('button', { name: 'Close' }).last().click()
        const card = page.getByRole('article', { name: 'e2e-shapes' })
        await card.waitFor()
        await card.locator('img').first().waitFor()
        await shot(page, 'datasets-imported')
        await card.getByRole('button', { name: 'Remove e2e-shapes' }).click()
        await page
          .getByRole('dialog')
          .filter({ hasText: 'Remove e2e-shapes?' })
          .getByRole('button', { name: 'Remove', exact: true })
          .click()
        await card.waitFor({ state: 'detached' })
        rmSync(source, { recursive: true, force: true })
      }),
    180_000
  )

  test('dark theme follows the OS', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' })
    context.setDefaultNavigationTimeout(120_000)
    context.setDefaultTimeout(90_000)
    const dark = await context.newPage()
    await dark.goto(`${served.url}#/train`)
    const status = dark
      .getByRole('status')
      .filter({ hasText: /Idle|Running|Paused|Stopped|Finished|Crashed/ })
    await expect.poll(() => status.textContent(), WAIT).toMatch(/Stopped|Paused|Running|Finished/)
    const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor)
    // naive-ui's dark body colour is near black.
    const [r = 255, g = 255, b = 255] = (bg.match(/\d+/g) ?? []).map(Number)
    expect(r + g + b).toBeLessThan(150)
    await shot(dark, 'train-dark')
    await dark.goto(`${served.url}#/datasets`)
    await dark
      .getByRole('article', { name: 'MNIST digits' })
      .locator('img')
      .first()
      .waitFor({ timeout: 180_000 })
    await shot(dark, 'datasets-dark')
    await context.close()
  }, 300_000)
})
