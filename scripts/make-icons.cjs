// Renders the app icon from its one source, build/icon.svg, into the PNGs electron-builder uses:
//   build/icon.png            1024x1024: electron-builder derives the macOS .icns from it
//                             (electron-builder accepts a PNG >= 512 px for mac.icon).
//   build/icon.ico            Windows (exe, NSIS installer/uninstaller): written here with every
//                             size 16..256 because the .ico electron-builder derives from a PNG
//                             holds only the 256 px image, which Windows shrinks blurrily for the
//                             taskbar and Explorer.
//   build/icons/<n>x<n>.png   the Linux icon set (hicolor theme sizes), named the way
//                             electron-builder's `linux.icon: build/icons` expects.
// Run: node scripts/make-icons.cjs   (idempotent; scripts/dist.cjs runs it when the PNGs are stale)
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const source = path.join(root, 'build', 'icon.svg')
const iconsDir = path.join(root, 'build', 'icons')
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]

const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]

/** Every file this script writes, so callers (dist.cjs, the packaging test) can check freshness. */
function outputs() {
  return [
    path.join(root, 'build', 'icon.png'),
    path.join(root, 'build', 'icon.ico'),
    ...SIZES.map((n) => path.join(iconsDir, `${n}x${n}.png`))
  ]
}

/**
 * An .ico whose entries are PNG streams (valid since Windows Vista; what every modern toolchain
 * writes). Layout: ICONDIR (6 bytes), one ICONDIRENTRY (16 bytes) per image, then the PNGs.
 */
function icoFromPngs(images) {
  const header = Buffer.alloc(6 + 16 * images.length)
  header.writeUInt16LE(0, 0) // reserved
  header.writeUInt16LE(1, 2) // 1 = icon
  header.writeUInt16LE(images.length, 4)
  let offset = header.length
  images.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i
    header.writeUInt8(size >= 256 ? 0 : size, e) // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, e + 1)
    header.writeUInt8(0, e + 2) // no palette
    header.writeUInt8(0, e + 3) // reserved
    header.writeUInt16LE(1, e + 4) // colour planes
    header.writeUInt16LE(32, e + 6) // bits per pixel
    header.writeUInt32LE(png.length, e + 8)
    header.writeUInt32LE(offset, e + 12)
    offset += png.length
  })
  return Buffer.concat([header, ...images.map((im) => im.png)])
}

/** True when any output is missing or older than the SVG. */
function stale() {
  const srcTime = fs.statSync(source).mtimeMs
  return outputs().some((f) => !fs.existsSync(f) || fs.statSync(f).mtimeMs < srcTime)
}

async function makeIcons() {
  // Required lazily so `stale()` works even where sharp's native part failed to install.
  const sharp = require('sharp')
  const svg = fs.readFileSync(source)
  fs.mkdirSync(iconsDir, { recursive: true })
  for (const n of SIZES) {
    // Render the vector at the target size (density scales the 1024-unit viewBox) instead of
    // downscaling one big bitmap: small sizes stay crisp.
    const density = (72 * n) / 1024
    await sharp(svg, { density })
      .resize(n, n, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png({ compressionLevel: 9 })
      .toFile(path.join(iconsDir, `${n}x${n}.png`))
  }
  fs.copyFileSync(path.join(iconsDir, '1024x1024.png'), path.join(root, 'build', 'icon.png'))
  const ico = icoFromPngs(
    ICO_SIZES.map((size) => ({ size, png: fs.readFileSync(path.join(iconsDir, `${size}x${size}.png`)) }))
  )
  fs.writeFileSync(path.join(root, 'build', 'icon.ico'), ico)
  return outputs()
}

module.exports = { makeIcons, outputs, stale, SIZES, ICO_SIZES }

if (require.main === module) {
  makeIcons().then(
    (files) => console.log(`make-icons: wrote ${files.length} icon files from build/icon.svg`),
    (err) => {
      console.error(`make-icons: ${err instanceof Error ? err.message : String(err)}`)
      process.exit(1)
    }
  )
}
