/** Shared test helpers: temp dirs, a tiny MNIST subset as a dataset, and running the real CLI. */
import { spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BUILTINS, convertBuiltin } from '../../src/main/engine/data/builtin'
import { writeDatasetCache } from '../../src/main/engine/data/cache'

export const ROOT = path.resolve(__dirname, '..', '..')
export const CLI = path.join(ROOT, 'bin', 'gan-studio.cjs')

export async function tempDir(prefix = 'gs-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix))
}

let mnist: { images: Uint8Array; labels: Uint16Array } | undefined

/** Writes the first `count` MNIST digits as dataset `id` into dataDir (class-balanced prefix). */
export async function makeTinyDataset(dataDir: string, count = 128, id = 'tiny'): Promise<void> {
  mnist ??= await convertBuiltin(BUILTINS[0] as (typeof BUILTINS)[number])
  await writeDatasetCache(
    dataDir,
    {
      id,
      name: `MNIST ×${count}`,
      builtin: false,
      source: 'test',
      shape: [28, 28, 1],
      labelNames: BUILTINS[0]?.labelNames ?? []
    },
    mnist.images.slice(0, count * 784),
    mnist.labels.slice(0, count)
  )
}

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs the built CLI as a real process. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

/** JSON lines of a --json run. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}
