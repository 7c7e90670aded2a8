/**
 * Chromium (unlike Electron) has no way to register a custom scheme as standard, so it will not
 * load an `app://` document (it hands the URL to the OS as an external protocol). The stand-in
 * therefore loads `app://<host>/<path>` documents from `http://<host>.<scheme>.scheme.localhost/<path>`
 * (a secure context, like a `secure: true` privileged scheme) and reports every URL and origin back
 * in `app://` form, the way Electron does for a scheme registered with
 * `protocol.registerSchemesAsPrivileged([{ scheme, privileges: { standard: true } }])`
 * (https://www.electronjs.org/docs/latest/api/protocol#protocolregisterschemesasprivilegedcustomschemes):
 * a standard scheme's origin is `scheme://host`. Sub-resources (`<img src="app://data/…">`) are
 * requested by Chromium under their own app:// URL, which the runtime routes to the same handler.
 */
const SUFFIX = '.scheme.localhost'

/** The schemes main registered as standard, and the mapping of their URLs. */
export class SchemeMap {
  private readonly standard = new Set<string>()

  register(scheme: string): void {
    this.standard.add(scheme)
  }

  isStandard(scheme: string): boolean {
    return this.standard.has(scheme)
  }

  /** `app://renderer/index.html#/x` → `http://renderer.app.scheme.localhost/index.html#/x`. */
  toChromium(url: string): string {
    const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(url)
    if (!m || !this.standard.has(m[1]!.toLowerCase())) return url
    return `http://${m[2]!.toLowerCase()}.${m[1]!.toLowerCase()}${SUFFIX}${m[3] || '/'}`
  }

  /** The inverse of toChromium; other URLs are returned as they are. */
  fromChromium(url: string): string {
    const m = /^http:\/\/([^/?#:]+)(?::\d+)?(.*)$/i.exec(url)
    if (!m) return url
    const host = m[1]!.toLowerCase()
    if (!host.endsWith(SUFFIX)) return url
    const inner = host.slice(0, -SUFFIX.length)
    const dot = inner.lastIndexOf('.')
    if (dot < 0) return url
    const scheme = inner.slice(dot + 1)
    if (!this.standard.has(scheme)) return url
    return `${scheme}://${inner.slice(0, dot)}${m[2] ?? ''}`
  }

  /** An origin as Chromium serialised it, in Electron's terms ('null' stays 'null'). */
  originFromChromium(origin: string): string {
    return origin === 'null' ? origin : this.fromChromium(origin)
  }
}
