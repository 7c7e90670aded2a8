/**
 * Settings and a lost connection, in Debian's Chromium against `gan-studio serve`:
 * - Settings is reached from the sidebar; a backend, thread count, theme, run limit and "ask
 *   before deleting" change is saved to settings.json at once and is there after a reload; the
 *   data folder is shown;
 * - the WebSocket is dropped (Playwright's routeWebSocket) while a run trains and kept down until
 *   the run has finished on disk: the status bar says the connection is lost, and once it is back
 *   the Train view shows the finished run with every logged step (nothing missed meanwhile).
 * Every view passes axe with no serious or critical violation. Screenshots go to test-results/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page, WebSocketRoute } from 'playwright-core'
import { seriousViolations } from './helpers/a11y'
import {
  RESULTS_DIR,
  launchChromium,
  missingPrerequisite,
  startServe,
  type ServedStudio
} from './helpers/serve'

const missing = missingPrerequisite()
if (missing) console.warn(`settings/reconnect e2e skipped: ${missing}`)

const WAIT = { timeout: 120_000, interval: 250 }

describe.skipIf(missing !== null)('Settings and reconnect in Chromium against gan-studio serve', () => {
  let served: ServedStudio
  let browser: Browser
  let page: Page
  const errors: string[] = []
  /** While true, the page's WebSocket is refused (a dropped connection the client retries). */
  let blocked = false
  const sockets = new Set<WebSocketRoute>()

  beforeAll(async () => {
    served = await startServe()
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, colorScheme: 'light' })
    context.setDefaultTimeout(90_000)
    page = await context.newPage()
    page.on('pageerror', (e) => errors.push(e.message))
    await page.routeWebSocket(
      (url) => url.pathname === '/ws',
      (ws) => {
        if (blocked) {
          void ws.close({ code: 1013, reason: 'e2e: connection refused' })
          return
        }
        sockets.add(ws)
        ws.connectToServer()
      }
    )
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  }, 60_000)

  const nav = (name: string): Promise<void> =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click()

  const settingsOnDisk = (): Record<string, unknown> =>
    JSON.parse(readFileSync(path.join(served.dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>

  test('Settings: every control saves at once and survives a reload; the data folder is shown', async () => {
    try {
      await page.goto(served.url)
      await page.getByRole('heading', { name: 'Datasets', level: 1 }).waitFor()
      expect(await seriousViolations(page)).toEqual([])
      await nav('Settings')
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
      expect(await page.getByLabel('Data folder', { exact: true }).inputValue()).toBe(served.dataDir)
      await page.getByLabel('Compute backend', { exact: true }).selectOption('cpu')
      await expect.poll(() => settingsOnDisk().backend, WAIT).toBe('cpu')
      // The status bar follows: the backend is probed again.
      await expect.poll(() => page.getByText('Backend: cpu').count(), WAIT).toBe(1)
      await page.getByLabel('Threads', { exact: true }).fill('2')
      await page.getByLabel('Threads', { exact: true }).press('Enter')
      await page.getByLabel('Threads', { exact: true }).blur()
      await expect.poll(() => settingsOnDisk().threads, WAIT).toBe(2)
      await page.getByLabel('Runs at the same time', { exact: true }).fill('9')
      await page.getByLabel('Runs at the same time', { exact: true }).blur()
      await page.getByText('Enter a number from 1 to 8.').waitFor()
      await page.getByLabel('Runs at the same time', { exact: true }).fill('2')
      await page.getByLabel('Runs at the same time', { exact: true }).blur()
      await expect.poll(() => settingsOnDisk().maxConcurrentRuns, WAIT).toBe(2)
      await page.getByLabel('Ask before deleting', { exact: true }).uncheck()
      await expect.poll(() => settingsOnDisk().confirmDelete, WAIT).toBe(false)
      await page.getByLabel('Dark', { exact: true }).check()
      await expect.poll(() => settingsOnDisk().theme, WAIT).toBe('dark')
      await expect
        .poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor), WAIT)
        .not.toBe('rgb(255, 255, 255)')
      expect(await seriousViolations(page)).toEqual([])
      await page.screenshot({ path: path.join(RESULTS_DIR, 'settings-dark.png') })

      // A reload without a view in the URL opens the last view (Settings) with the saved values.
      await page.goto(served.url)
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
      expect(await page.getByLabel('Compute backend', { exact: true }).inputValue()).toBe('cpu')
      expect(await page.getByLabel('Ask before deleting', { exact: true }).isChecked()).toBe(false)
      await page.getByLabel('Light', { exact: true }).check()
      await expect.poll(() => settingsOnDisk().theme, WAIT).toBe('light')
      await page.screenshot({ path: path.join(RESULTS_DIR, 'settings.png') })
      // Back to the fastest backend for the training below.
      await page.getByLabel('Compute backend', { exact: true }).selectOption('auto')
      await expect.poll(() => settingsOnDisk().backend, WAIT).toBe('auto')
      expect(errors).toEqual([])
    } catch (err) {
      await page.screenshot({ path: path.join(RESULTS_DIR, 'failure-settings.png') }).catch(() => undefined)
      console.error(`page errors: ${JSON.stringify(errors)}\nserve stderr:\n${served.stderr().slice(-4000)}`)
      throw err
    }
  }, 300_000)

  test('a dropped connection is shown, and the open run is fetched again when it is back', async () => {
    try {
      await nav('Train')
      await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Quick demo' })
      await page.getByLabel('Dataset', { exact: true }).selectOption('mnist')
      await page.getByLabel('Model', { exact: true }).selectOption('mlp')
      await page.getByLabel('Steps', { exact: true }).fill('300')
      await page.getByLabel('Run name', { exact: true }).fill('e2e reconnect')
      expect(await seriousViolations(page)).toEqual([])
      await page.getByRole('button', { name: 'Start training' }).click()
      // The run is open in the Train view (its first steps arrived) before the socket drops.
      await page
        .getByRole('status')
        .filter({ hasText: /^Running: step [1-9]/ })
        // The first start converts MNIST into the data folder: minutes on a loaded machine.
        .waitFor({ timeout: 420_000 })
      const runsDir = path.join(served.dataDir, 'runs')
      const runDir = path.join(runsDir, readdirSync(runsDir)[0] ?? '')

      // Drop the socket and refuse reconnects until the run has finished on disk.
      blocked = true
      for (const ws of sockets) await ws.close({ code: 1006 }).catch(() => undefined)
      sockets.clear()
      const lost = page.getByRole('alert').filter({ hasText: 'Connection to the studio lost' })
      await lost.waitFor()
      await page.screenshot({ path: path.join(RESULTS_DIR, 'reconnect-lost.png') })
      const status = (): string =>
        (JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { status: string }).status
      await expect.poll(status, { timeout: 300_000, interval: 500 }).toBe('finished')
      const logged = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').length

      blocked = false
      await lost.waitFor({ state: 'detached', timeout: 60_000 })
      // Caught up: the finished run with every logged step in the chart.
      await page.getByText('Finished at step 300 of 300').waitFor()
      await expect
        .poll(() => page.getByRole('img', { name: 'Loss chart' }).getAttribute('data-points'), WAIT)
        .toBe(String(logged))
      await page.screenshot({ path: path.join(RESULTS_DIR, 'reconnect-caught-up.png') })

      for (const view of ['Runs', 'Explore']) {
        await nav(view)
        await page.getByRole('heading', { name: view, level: 1 }).waitFor()
        if (view === 'Explore')
          await page.getByRole('list', { name: 'Generated images' }).locator('img').first().waitFor()
        expect(await seriousViolations(page)).toEqual([])
      }
      expect(errors).toEqual([])
    } catch (err) {
      await page.screenshot({ path: path.join(RESULTS_DIR, 'failure-reconnect.png') }).catch(() => undefined)
      console.error(`page errors: ${JSON.stringify(errors)}\nserve stderr:\n${served.stderr().slice(-4000)}`)
      throw err
    }
  }, 900_000)
})
