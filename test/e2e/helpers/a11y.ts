/**
 * Accessibility checks for the e2e: axe-core injected into the page, reporting serious and
 * critical violations with the elements they were found on.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const require_ = createRequire(__filename)
/** axe's source, evaluated through the DevTools protocol: the page's CSP refuses a script tag. */
const AXE_SOURCE = readFileSync(require_.resolve('axe-core/axe.min.js'), 'utf8')

interface AxeResult {
  violations: Array<{
    id: string
    impact: string | null
    help: string
    nodes: Array<{ target: unknown[]; any: Array<{ message: string }> }>
  }>
}

/** Serious and critical axe violations on the page as it is now, one line each (empty when none). */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Loading overlays dim what they cover: judge the page once they are gone.
  await page.waitForFunction(
    () => document.querySelectorAll('.n-spin-content--spinning').length === 0,
    null,
    {
      timeout: 60_000
    }
  )
  // Judge the page at rest: a fading-in card has the colours of half its opacity.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined))
    )
  )
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<unknown> } }).axe
    return (await axe.run(document)) as unknown
  })
  return (result as AxeResult).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}: ${v.nodes
          .slice(0, 12)
          .map((n) => `${JSON.stringify(n.target)} ${n.any[0]?.message ?? ''}`)
          .join('; ')}`
    )
}
