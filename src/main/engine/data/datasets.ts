/**
 * One way to get any dataset by id: built-ins are converted into the cache on first use,
 * imported ones are read from the cache their import wrote.
 */
import type { DatasetInfo } from '../../../shared/domain'
import { StudioError } from '../../../shared/errors'
import { BUILTINS, builtinSpec, convertBuiltin } from './builtin'
import { resizeDataset } from './resize'
import {
  listCachedIds,
  readDatasetCache,
  readDatasetIndex,
  writeDatasetCache,
  type CachedDataset,
  type DatasetIndex
} from './cache'

/** Loads a dataset by id, converting a built-in on first use. Throws `not-found` for unknown ids. */
export async function loadDataset(dataDir: string, id: string): Promise<CachedDataset> {
  const cached = await readDatasetCache(dataDir, id)
  if (cached) return cached
  const spec = builtinSpec(id)
  if (spec) {
    const { images, labels } = await convertBuiltin(spec)
    const index = await writeDatasetCache(
      dataDir,
      {
        id: spec.id,
        name: spec.name,
        builtin: true,
        source: `npm:${spec.pkg}`,
        shape: [28, 28, 1],
        labelNames: spec.labelNames
      },
      images,
      labels
    )
    return { index, images, labels }
  }
  const known = (await listDatasets(dataDir)).map((d) => d.id).join(', ')
  throw new StudioError(
    'not-found',
    `Unknown dataset '${id}'. Available: ${known}. Import a folder with: gan-studio dataset import <folder> --name <name>`
  )
}

/**
 * A dataset as a run trains on it: at `imageSize` px (resized when the dataset has another size),
 * or at its own size when `imageSize` is omitted.
 */
export async function loadTrainingData(
  dataDir: string,
  id: string,
  imageSize: number | undefined
): Promise<CachedDataset> {
  return resizeDataset(await loadDataset(dataDir, id), imageSize)
}

export function toDatasetInfo(index: DatasetIndex): DatasetInfo {
  return {
    id: index.id,
    name: index.name,
    builtin: index.builtin,
    count: index.count,
    shape: index.shape,
    labels: index.labelNames,
    fingerprint: index.fingerprint,
    bytes: index.bytes,
    created: index.created,
    source: index.source
  }
}

/** Every dataset: the built-ins (converted or not yet) and every imported one. */
export async function listDatasets(dataDir: string): Promise<DatasetInfo[]> {
  const out: DatasetInfo[] = []
  for (const b of BUILTINS) {
    const index = await readDatasetIndex(dataDir, b.id)
    out.push(
      index
        ? toDatasetInfo(index)
        : {
            id: b.id,
            name: b.name,
            builtin: true,
            count: b.count,
            shape: [28, 28, 1],
            labels: b.labelNames,
            source: `npm:${b.pkg}`
          }
    )
  }
  for (const id of await listCachedIds(dataDir)) {
    if (builtinSpec(id)) continue
    const index = await readDatasetIndex(dataDir, id)
    if (index) out.push(toDatasetInfo(index))
  }
  return out
}
