/**
 * Static checks over the built bundles (out/), the things no unit test of the sources can see:
 * - the sandboxed preload requires nothing but `electron` (a sandboxed preload gets only a
 *   require for `electron` and a few Node built-ins; Electron docs, tutorial/sandbox.md);
 * - every package the CommonJS main bundle loads loads in the format it is loaded with: a
 *   `require()`d package must not be ESM-only (Node 20 throws ERR_REQUIRE_ESM), and each is
 *   really required from a CommonJS context under this Node;
 * - every contract event has a subscriber in the built renderer.
 * (Every menu view is a route: test/unit/main/window/menu.test.ts + test/unit/renderer/router.test.ts.)
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { EVENT_HANDLERS } from '../../../src/shared/contract'
import { ensureBuilt, root } from '../packaging/helpers'

const OUT = path.join(root, 'out')

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []
  )
}

/** Bare specifiers of `require("x")` / `import("x")` calls in code (not inside template strings). */
function specifiers(code: string, kind: 'require' | 'import'): Set<string> {
  const found = new Set<string>()
  for (const m of code.matchAll(new RegExp(`(^|[^\`\\w.])${kind}\\((["'])([^"'\`]+)\\2\\)`, 'g'))) {
    const spec = m[3] ?? ''
    if (!spec.startsWith('.')) found.add(spec)
  }
  return found
}

const isBuiltin = (s: string): boolean => s.startsWith('node:') || builtinModules.includes(s)

/** The package name of a specifier (`@scope/name/sub` → `@scope/name`). */
function packageOf(spec: string): string {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec)
}

/** 'esm' when Node would load `file` as an ES module. */
function formatOf(file: string): 'esm' | 'cjs' {
  if (file.endsWith('.mjs')) return 'esm'
  if (file.endsWith('.cjs') || file.endsWith('.node') || file.endsWith('.json')) return 'cjs'
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json')
    if (existsSync(pkg))
      return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type === 'module' ? 'esm' : 'cjs'
  }
  return 'cjs'
}

beforeAll(() => ensureBuilt())

describe('built preload', () => {
  it('requires nothing but electron', () => {
    const files = jsFiles(path.join(OUT, 'preload'))
    expect(files.length).toBeGreaterThan(0)
    const required = new Set<string>()
    for (const f of files) {
      const code = readFileSync(f, 'utf8')
      for (const s of specifiers(code, 'require')) required.add(s)
      for (const s of specifiers(code, 'import')) required.add(s)
      // A sandboxed preload cannot load a second file of its own either.
      expect(code, f).not.toMatch(/require\(["']\.{1,2}\//)
    }
    expect([...required]).toEqual(['electron'])
  })
})

describe('built main bundle', () => {
  const files = (): string[] => jsFiles(path.join(OUT, 'main'))
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>
    optionalDependencies?: Record<string, string>
  }
  const runtimeDeps = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]

  /** What the bundle loads with CommonJS require: literal requires, and dependencies it names for its createRequire loaders. */
  function requiredPackages(): string[] {
    const found = new Set<string>()
    const codes = files().map((f) => readFileSync(f, 'utf8'))
    // A package the bundle loads with import() somewhere (webgpu: Dawn's ESM binding) may have the
    // same name as a plain string elsewhere (the `webgpu` backend name) without being required.
    const imported = new Set(codes.flatMap((code) => [...specifiers(code, 'import')]))
    for (const code of codes) {
      for (const s of specifiers(code, 'require')) if (!isBuiltin(s) && s !== 'electron') found.add(s)
      for (const dep of runtimeDeps) if (code.includes(`"${dep}"`) && !imported.has(dep)) found.add(dep)
    }
    return [...found].sort()
  }

  it('requires no ESM-only package', () => {
    const req = createRequire(path.join(OUT, 'main', 'index.js'))
    const list = requiredPackages()
    expect(list).toContain('zod')
    const esm: string[] = []
    for (const spec of list) {
      let file: string
      try {
        file = req.resolve(spec)
      } catch {
        // Only optional dependencies may be missing (tfjs-node's install downloads libtensorflow).
        expect(Object.keys(pkg.optionalDependencies ?? {}), `${spec} does not resolve`).toContain(
          packageOf(spec)
        )
        console.log(`${spec}: not installed here (optional dependency), not checked`)
        continue
      }
      if (formatOf(file) === 'esm') esm.push(`${spec} (${path.relative(root, file)})`)
    }
    expect(esm, 'ESM-only packages required from the CommonJS main bundle').toEqual([])
  })

  it('each required package really loads with require() under this Node', () => {
    const req = createRequire(path.join(OUT, 'main', 'index.js'))
    const list = requiredPackages().filter((s) => {
      try {
        req.resolve(s)
        return true
      } catch {
        return false
      }
    })
    // A fresh CommonJS process next to the bundle, so nothing vitest loaded (or transformed) helps.
    const script = `const r = require('node:module').createRequire(${JSON.stringify(path.join(OUT, 'main', 'index.js'))});
const out = {};
for (const s of ${JSON.stringify(list)}) { try { r(s); out[s] = 'ok' } catch (e) { out[s] = e.code || e.message } }
process.stdout.write(JSON.stringify(out));`
    const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 120_000 })
    expect(r.status, r.stderr).toBe(0)
    const results = JSON.parse(r.stdout) as Record<string, string>
    expect(Object.keys(results).sort()).toEqual(list)
    for (const [spec, res] of Object.entries(results)) expect(res, spec).toBe('ok')
  })

  it('loads sharp only on first use (a dynamic import), so libvips cannot stop the app starting', () => {
    for (const f of files())
      expect(specifiers(readFileSync(f, 'utf8'), 'require').has('sharp'), f).toBe(false)
  })
})

describe('built renderer', () => {
  it('subscribes to every contract event', () => {
    const code = jsFiles(path.join(OUT, 'renderer'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n')
    const missing = Object.keys(EVENT_HANDLERS).filter((h) => !new RegExp(`\\.on\\.${h}\\(`).test(code))
    expect(missing, 'studio.on.<handler> never called in the renderer').toEqual([])
  })
})
