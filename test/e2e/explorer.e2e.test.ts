/**
 * The Explore view in Debian's Chromium against `gan-studio serve`: a real trained fixture run
 * (class-conditional mlp on MNIST, trained by the CLI into the served data dir), raw weights
 * (EMA off) and a class picked, two images picked from the seed grid, a spherical interpolation,
 * and an exported PNG whose pixels are the explorer's image and whose text chunks name the run,
 * seed, class and weights. axe finds no serious or critical violation. Screenshots go to
 * test-results/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import sharp from 'sharp'
import { readPngText } from '../../src/main/imaging/png'
import { seriousViolations } from './helpers/a11y'
import {
  RESULTS_DIR,
  ROOT,
  launchChromium,
  missingPrerequisite,
  startServe,
  type ServedStudio
} from './helpers/serve'

const missing = missingPrerequisite()
if (missing) console.warn(`explorer e2e skipped: ${missing}`)

const RUN_ID = 'e2e-explorer-mlp'
const WAIT = { timeout: 90_000, interval: 250 }

describe.skipIf(missing !== null)('Explore view in Chromium against gan-studio serve', () => {
  let served: ServedStudio
  let browser: Browser
  let page: Page
  const errors: string[] = []

  beforeAll(async () => {
    served = await startServe()
    // The fixture: a short real training run written straight into the served data dir.
    const r = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'bin/gan-studio.cjs'),
        'train',
        '--dataset',
        'mnist',
        '--model',
        'mlp',
        '--steps',
        '60',
        '--batch',
        '16',
        '--conditional',
        '--name',
        'Explorer fixture',
        '--out',
        path.join(served.dataDir, 'runs', RUN_ID),
        '--data-dir',
        served.dataDir,
        '--json'
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 150_000 }
    )
    if (r.status !== 0) throw new Error(`fixture training failed (${r.status}): ${r.stderr}`)
    browser = await launchChromium()
    const context = await browser.newContext({
      viewport: { width: 1360, height: 900 },
      colorScheme: 'light',
      acceptDownloads: true
    })
    context.setDefaultTimeout(90_000)
    page = await context.newPage()
    page.on('pageerror', (e) => errors.push(e.message))
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  }, 60_000)

  test('pick two images, spherical interpolation, export a PNG with provenance, open it again', async () => {
    try {
      const url = new URL(served.url)
      url.hash = '#/explore'
      await page.goto(url.toString())
      await page.getByRole('heading', { name: 'Explore', level: 1 }).waitFor()
      // Opens on the newest run and its newest checkpoint.
      await expect.poll(() => page.getByLabel('Run', { exact: true }).inputValue(), WAIT).toBe(RUN_ID)
      await expect
        .poll(() => page.getByLabel('Checkpoint', { exact: true }).inputValue(), WAIT)
        .toBe('ckpt-000060')
      const grid = page.getByRole('list', { name: 'Generated images' })
      await expect.poll(() => grid.locator('img').count(), WAIT).toBe(64)
      // Raw weights and class 5: every image and export below must use both.
      const firstCell = await grid.locator('img').first().getAttribute('src')
      await page.getByRole('switch', { name: 'EMA weights' }).click()
      await expect.poll(() => grid.locator('img').first().getAttribute('src'), WAIT).not.toBe(firstCell)
      const rawCell = await grid.locator('img').first().getAttribute('src')
      await page.getByLabel('Class', { exact: true }).selectOption({ label: '5' })
      await expect.poll(() => grid.locator('img').first().getAttribute('src'), WAIT).not.toBe(rawCell)
      // Every grid image decoded (crisp rendering is CSS; check it is applied).
      expect(
        await grid
          .locator('img')
          .first()
          .evaluate((el) => getComputedStyle(el).imageRendering)
      ).toBe('pixelated')

      await page.getByRole('button', { name: 'Seed 3', exact: true }).click()
      await page.getByRole('img', { name: 'Image A' }).waitFor()
      await page.getByRole('button', { name: 'Seed 7', exact: true }).click()
      await page.getByRole('img', { name: 'Image B' }).waitFor()

      await page.getByLabel('Interpolation', { exact: true }).selectOption({ label: 'Spherical' })
      await page.getByLabel('Steps', { exact: true }).fill('8')
      await page.getByLabel('Steps', { exact: true }).blur()
      await page.getByRole('button', { name: 'Interpolate' }).click()
      const strip = page.getByRole('list', { name: 'Interpolation strip' })
      await expect.poll(() => strip.getByRole('listitem').count(), WAIT).toBe(8)
      await page.screenshot({ path: path.join(RESULTS_DIR, 'explore-interpolation.png') })
      expect(await seriousViolations(page)).toEqual([])
      const shown = await page.getByRole('img', { name: 'Image A' }).getAttribute('src')

      // Export PNG: A (seed 3) as one image; the download's text chunks name the run and the seed.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export PNG' }).click()
      ])
      const saved = path.join(RESULTS_DIR, 'explore-export.png')
      await download.saveAs(saved)
      const text = readPngText(readFileSync(saved))
      expect(text.run).toBe(RUN_ID)
      expect(text.seed).toBe('3')
      expect(text.checkpoint).toBe('ckpt-000060')
      expect(text.label).toBe('5')
      const record = JSON.parse(text['gan-studio'] ?? '{}') as { latents: number[][]; ema: boolean }
      expect(record.latents[0]).toHaveLength(64)
      expect(record.ema).toBe(false)
      // The exported pixels are the explorer's image (exported ×8 with nearest-neighbour).
      const exported = await sharp(saved).resize(28, 28, { kernel: 'nearest' }).raw().toBuffer()
      const onScreen = await sharp(Buffer.from((shown ?? '').replace(/^data:[^,]*,/, ''), 'base64'))
        .raw()
        .toBuffer()
      expect(exported.equals(onScreen)).toBe(true)

      // Directions and nearest images render.
      await page.getByRole('button', { name: 'Find directions (PCA)' }).click()
      await page.getByLabel('Direction 1', { exact: true }).waitFor()
      await page.getByRole('button', { name: 'Nearest training images' }).click()
      await expect
        .poll(() => page.getByRole('list', { name: 'Nearest training images' }).locator('img').count(), WAIT)
        .toBe(8)
      await page.screenshot({ path: path.join(RESULTS_DIR, 'explore-edit.png'), fullPage: true })
      expect(await seriousViolations(page)).toEqual([])

      // Open image… restores the latent from the exported PNG.
      await page.getByLabel('Open an exported PNG').setInputFiles(saved)
      await page.getByText('Image opened').first().waitFor()
      expect(errors).toEqual([])
    } catch (err) {
      await page.screenshot({ path: path.join(RESULTS_DIR, 'failure-explore.png') }).catch(() => undefined)
      console.error(`page errors: ${JSON.stringify(errors)}\nserve stderr:\n${served.stderr().slice(-4000)}`)
      throw err
    }
  })
})
