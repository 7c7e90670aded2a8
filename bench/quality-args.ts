/** `--set key=value` of the quality bench: booleans, numbers and comma lists as the schema wants them. */
export function parseSet(v: string): Record<string, unknown> {
  const [key, raw] = v.split('=')
  if (!key || raw === undefined) throw new Error(`--set needs key=value, got '${v}'`)
  let value: unknown = raw
  if (raw === 'true' || raw === 'false') value = raw === 'true'
  else if (raw.includes(',') || key === 'diffAugment') value = raw === '' ? [] : raw.split(',')
  else if (!Number.isNaN(Number(raw))) value = Number(raw)
  return { [key]: value }
}
