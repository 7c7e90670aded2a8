/**
 * The quality score and gradient norms in a real browser against `gan-studio serve`: a short
 * Quick-demo run on MNIST, then the numbers are read by their accessible names (Train readouts,
 * Runs table), the FD, coverage and Gradients charts have points, per-layer norms add lines, and
 * the explorer opens the best-FD checkpoint and says so.
 *
 * Needs a build: `npx electron-vite build`. Run: `npx vitest run -c vitest.e2e.config.ts test/e2e/quality.e2e.test.ts`.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import {
  RESULTS_DIR,
  launchChromium,
  missingPrerequisite,
  startServe,
  type ServedStudio
} from './helpers/serve'

const missing = missingPrerequisite()
if (missing) console.warn(`quality e2e skipped: ${missing}`)

const WAIT = { timeout: 400_000, interval: 250 }

async function pointsOf(chart: Locator): Promise<number> {
  return Number((await chart.getAttribute('data-points')) ?? '0')
}

/** The chart's text alternative: the element its canvas names with aria-describedby. */
async function descriptionOf(page: Page, chart: Locator): Promise<string> {
  const id = await chart.getAttribute('aria-describedby')
  if (!id) throw new Error('the chart canvas has no aria-describedby')
  return (await page.locator(`[id="${id}"]`).textContent()) ?? ''
}

describe.skipIf(missing !== null)('FD and gradient norms in Chromium', () => {
  let served: ServedStudio
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    served = await startServe()
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })
    context.setDefaultNavigationTimeout(120_000)
    context.setDefaultTimeout(120_000)
    page = await context.newPage()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  }, 60_000)

  test('Train, Runs and Explore show FD and gradient norms', async () => {
    try {
      await page.goto(served.url)
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Train' }).click()
      const status = page
        .getByRole('status')
        .filter({ hasText: /Idle|Running|Paused|Stopped|Finished|Crashed/ })
      await expect.poll(() => status.textContent(), WAIT).toMatch(/Idle/)
      await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Quick demo' })
      await page.getByLabel('Dataset', { exact: true }).selectOption('mnist')
      // The tiny MLP keeps the run short on a busy machine; it is still scored (28×28 MNIST).
      await page.getByLabel('Model', { exact: true }).selectOption('mlp')
      await page.getByLabel('Batch size', { exact: true }).fill('16')
      await page.getByLabel('Steps', { exact: true }).fill('10')
      await page.getByLabel('Sample every', { exact: true }).fill('5')
      await page.getByLabel('Checkpoint every', { exact: true }).fill('5')
      await page.getByLabel('Run name', { exact: true }).fill('e2e quality')
      const start = page.getByRole('button', { name: 'Start training' })
      await expect.poll(() => start.isEnabled(), WAIT).toBe(true)
      await start.click()
      await expect.poll(() => status.textContent(), WAIT).toMatch(/^Finished at step 10/)

      // Readouts by accessible name.
      const fd = page.getByLabel('GAN Studio FD', { exact: true })
      await expect.poll(() => fd.textContent(), WAIT).toMatch(/^\s*\d+(\.\d\d)? at step 10/)
      const best = page.getByLabel('Best FD', { exact: true })
      expect(await best.textContent()).toMatch(/\d+(\.\d\d)? at step (5|10) \(checkpoint kept\)/)
      for (const name of ['G gradient norm', 'D gradient norm']) {
        const text = (await page.getByLabel(name, { exact: true }).textContent()) ?? ''
        expect(Number(text.trim()), `${name}: ${text}`).toBeGreaterThan(0)
      }
      expect(await page.getByLabel('Class coverage', { exact: true }).textContent()).toMatch(/\d+ %/)

      // Charts have points; per-layer norms add lines to the Gradients chart.
      expect(await pointsOf(page.getByRole('img', { name: 'FD chart' }))).toBeGreaterThan(0)
      expect(await pointsOf(page.getByRole('img', { name: 'Class coverage chart' }))).toBeGreaterThan(0)
      const gradients = page.getByRole('img', { name: 'Gradients chart' })
      expect(await pointsOf(gradients)).toBeGreaterThan(0)
      // The chart's description names every line with its latest value.
      const layerLine = /[GD] (dense|conv|convT|bn)\d+ \d/
      expect(await descriptionOf(page, gradients)).toMatch(/\|∇G\| \d/)
      expect(await descriptionOf(page, gradients)).not.toMatch(layerLine)
      await page.getByRole('checkbox', { name: 'Per-layer norms' }).check()
      await expect.poll(() => descriptionOf(page, gradients), WAIT).toMatch(layerLine)
      await page.screenshot({ path: path.join(RESULTS_DIR, 'quality-train.png') })

      // Runs: best and latest FD in the row.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click()
      const row = page.getByRole('row').filter({ hasText: 'e2e quality' })
      await row.waitFor()
      await expect
        .poll(() => row.textContent(), WAIT)
        .toMatch(/\d+(\.\d\d)? \(step (5|10)\).*\d+(\.\d\d)? \(step 10\)/)
      await row.getByRole('checkbox').click()
      await expect
        .poll(() => pointsOf(page.getByRole('img', { name: 'FD comparison chart' })), WAIT)
        .toBeGreaterThan(0)

      // Explore opens the best checkpoint and says so.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Explore' }).click()
      await expect
        .poll(() => page.getByText(/Showing the best checkpoint \(step (5|10), GAN Studio FD/).count(), WAIT)
        .toBe(1)
      await page.screenshot({ path: path.join(RESULTS_DIR, 'quality-explore.png') })
    } catch (err) {
      await page.screenshot({ path: path.join(RESULTS_DIR, 'quality-failure.png') }).catch(() => undefined)
      console.error(`serve stderr:\n${served.stderr().slice(-4000)}`)
      throw err
    }
  }, 900_000)
})
