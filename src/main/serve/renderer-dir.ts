/** Where the built renderer is, whether running from out/main (bundled) or from source (tsx). */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** out/renderer next to out/main, or `<repo>/out/renderer` when running the TypeScript source. */
export function defaultRendererDir(): string {
  const here = typeof __dirname !== 'undefined' ? __dirname : path.dirname(fileURLToPath(import.meta.url))
  const candidates = [
    path.join(here, '..', 'renderer'),
    path.resolve(here, '..', '..', '..', 'out', 'renderer')
  ]
  return candidates.find((c) => existsSync(path.join(c, 'index.html'))) ?? (candidates[0] as string)
}
