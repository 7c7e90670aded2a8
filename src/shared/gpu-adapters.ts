/** How WebGPU adapters are described to users: doctor, the status bar and About share these lines. */
import type { GpuAdapterReport, GpuAdapterSummary } from './domain'

/** One adapter in one line: description, vendor, architecture, and whether it is software. */
export function describeGpuAdapter(a: GpuAdapterSummary): string {
  const name = a.description || a.device || 'unnamed adapter'
  const kind = a.software ? 'software: used only with --backend webgpu' : 'hardware'
  return `${name} (vendor ${a.vendor}, architecture ${a.architecture}; ${kind})`
}

/** Every adapter found, or one line saying why there are none. */
export function describeGpuAdapters(report: GpuAdapterReport | undefined): string[] {
  if (!report) return ['not checked']
  if (report.adapters.length === 0) return [`none: ${report.note ?? 'Dawn found no adapter'}`]
  return report.adapters.map(describeGpuAdapter)
}
