/**
 * `gan-studio doctor` lists the WebGPU adapters Dawn finds (vendor, architecture, software or
 * not) or says why there are none, whichever backend is asked for; with `--backend webgpu` on a
 * machine with an adapter it names the one in use.
 */
import { describe, expect, it } from 'vitest'
import { runCli } from '../../helpers/engine'

describe('doctor and WebGPU', () => {
  it('lists the adapters or why there are none', async () => {
    const json = await runCli(['doctor', '--json', '--backend', 'cpu'])
    expect(json.code).toBe(0)
    const report = JSON.parse(json.stdout) as {
      gpu?: { adapters: Array<{ vendor: string; architecture: string; software: boolean }>; note?: string }
    }
    expect(report.gpu).toBeDefined()
    const text = await runCli(['doctor', '--backend', 'cpu'])
    const section = text.stdout.split('WebGPU adapters (Dawn):\n')[1]?.split('\n\n')[0] ?? ''
    if (report.gpu?.adapters.length === 0) {
      expect(report.gpu.note).toBeTruthy()
      expect(section).toBe(`  none: ${report.gpu.note}`)
      return
    }
    const lines = section.split('\n')
    expect(lines).toHaveLength(report.gpu?.adapters.length ?? -1)
    report.gpu?.adapters.forEach((a, i) => {
      expect(lines[i]).toContain(`vendor ${a.vendor}, architecture ${a.architecture}`)
      expect(lines[i]).toContain(a.software ? 'software: used only with --backend webgpu' : 'hardware')
    })
    const forced = await runCli(['doctor', '--backend', 'webgpu'])
    expect(forced.code).toBe(0)
    expect(forced.stdout).toMatch(
      /Active backend: webgpu \(@tensorflow\/tfjs-backend-webgpu\)\nGPU adapter: {4}\S/
    )
  })
})
