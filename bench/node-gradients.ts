/**
 * Stand-in for `@tensorflow/tfjs-core/dist/register_all_gradients` when the bench runs TypeScript
 * in plain Node: that file is ESM with extensionless imports, which Node's loader cannot resolve.
 * The union package's CommonJS build registers the very same gradient functions into tfjs's
 * global registry (shared by every copy of core), so the engine's tf gets its gradients. It adds
 * no kernels for wasm: ours still runs the stock wasm kernels plus the project's.
 */
import { createRequire } from 'node:module'

createRequire(import.meta.url)('@tensorflow/tfjs')

export {}
