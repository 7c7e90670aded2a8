/**
 * A small flag parser for the CLI. Each command declares its flags; a bad value gets one line that
 * names the flag, what was wrong and what is allowed, and the command exits with code 2.
 */
import os from 'node:os'
import path from 'node:path'

export type FlagSpec =
  | { type: 'int'; min?: number; max?: number; help: string }
  | {
      type: 'number'
      min?: number
      max?: number
      exclusiveMin?: boolean
      exclusiveMax?: boolean
      help: string
    }
  | { type: 'string'; help: string }
  /** `numeric`: the choices are numbers (given as text, converted). */
  | { type: 'enum'; values: readonly string[]; numeric?: boolean; help: string }
  | { type: 'bool'; help: string }
  | { type: 'list'; values?: readonly string[]; help: string }
  /** A JSON value, for fields no other type fits. */
  | { type: 'json'; help: string }

export type FlagValue = number | string | boolean | string[] | object | null
export type ParsedFlags = Record<string, FlagValue | undefined>

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2
}

function describe(spec: FlagSpec): string {
  switch (spec.type) {
    case 'int':
      return spec.min !== undefined && spec.max !== undefined
        ? `an integer from ${spec.min} to ${spec.max}`
        : spec.min !== undefined
          ? `an integer ≥ ${spec.min}`
          : 'an integer'
    case 'number': {
      const lo = spec.min !== undefined ? `${spec.exclusiveMin ? '>' : '≥'} ${spec.min}` : ''
      const hi = spec.max !== undefined ? `${spec.exclusiveMax ? '<' : '≤'} ${spec.max}` : ''
      return lo || hi ? `a number ${[lo, hi].filter(Boolean).join(' and ')}` : 'a number'
    }
    case 'enum':
      return `one of ${spec.values.join(', ')}`
    case 'json':
      return 'a JSON value'
    case 'list':
      return spec.values ? `a comma-separated list of ${spec.values.join(', ')}` : 'a comma-separated list'
    default:
      return 'a value'
  }
}

function convert(flag: string, spec: FlagSpec, raw: string): FlagValue {
  const bad = (): never => {
    throw new UsageError(`--${flag}: expected ${describe(spec)}, but got '${raw}'`)
  }
  switch (spec.type) {
    case 'int': {
      if (!/^[-+]?\d+$/.test(raw.trim())) bad()
      const n = Number(raw)
      if (
        !Number.isSafeInteger(n) ||
        (spec.min !== undefined && n < spec.min) ||
        (spec.max !== undefined && n > spec.max)
      )
        bad()
      return n
    }
    case 'number': {
      const n = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(n)) bad()
      if (spec.min !== undefined && (spec.exclusiveMin ? n <= spec.min : n < spec.min)) bad()
      if (spec.max !== undefined && (spec.exclusiveMax ? n >= spec.max : n > spec.max)) bad()
      return n
    }
    case 'enum':
      if (!spec.values.includes(raw)) bad()
      return spec.numeric ? Number(raw) : raw
    case 'json':
      try {
        return JSON.parse(raw) as FlagValue
      } catch {
        return bad()
      }
    case 'list': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
      if (spec.values && items.some((i) => !spec.values?.includes(i))) bad()
      return items
    }
    case 'bool':
      if (!['true', 'false', '1', '0', 'yes', 'no'].includes(raw)) bad()
      return ['true', '1', 'yes'].includes(raw)
    default:
      return raw
  }
}

/** Parses `--flag value`, `--flag=value` and boolean `--flag`; returns flags and positionals. */
export function parseArgs(
  argv: readonly string[],
  specs: Record<string, FlagSpec>
): { flags: ParsedFlags; positionals: string[] } {
  const flags: ParsedFlags = {}
  const positionals: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (!a.startsWith('--') || a === '--') {
      positionals.push(a)
      continue
    }
    const eq = a.indexOf('=')
    const name = a.slice(2, eq >= 0 ? eq : undefined)
    const spec = specs[name]
    if (!spec) {
      const known = Object.keys(specs)
        .map((k) => `--${k}`)
        .join(', ')
      throw new UsageError(`unknown flag --${name}; this command takes: ${known}`)
    }
    let raw: string | undefined = eq >= 0 ? a.slice(eq + 1) : undefined
    if (raw === undefined) {
      if (spec.type === 'bool') {
        flags[name] = true
        continue
      }
      raw = argv[i + 1]
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2))
        throw new UsageError(`--${name}: expected ${describe(spec)} after it, but got nothing`)
      i++
    }
    flags[name] = convert(name, spec, raw)
  }
  return { flags, positionals }
}

/** Help lines for a command's flags. */
export function flagHelp(specs: Record<string, FlagSpec>): string {
  return Object.entries(specs)
    .map(([k, s]) => `  --${k.padEnd(18)} ${s.help}`)
    .join('\n')
}

/** The data dir: --data-dir, else $GAN_STUDIO_HOME, else ~/.gan-studio. */
export function resolveDataDir(flag: FlagValue | undefined, env: NodeJS.ProcessEnv): string {
  if (typeof flag === 'string' && flag) return path.resolve(flag)
  if (env.GAN_STUDIO_HOME) return path.resolve(env.GAN_STUDIO_HOME)
  return path.join(os.homedir(), '.gan-studio')
}
