/**
 * Analytic FLOP counts (2 x multiply-adds) for the benchmark workloads. Only dense and conv
 * layers are counted; elementwise ops, batch norm and the optimiser are a rounding error next to
 * them and are left out, so "effective GFLOP/s" slightly understates the work done.
 */

/** Multiply-adds of one layer for one image, forward; dW and dx each cost the same again. */
export interface LayerCost {
  name: string
  macs: number
}

/** Dense layer: in x out multiply-adds. */
export function denseCost(name: string, inUnits: number, outUnits: number): LayerCost {
  return { name, macs: inUnits * outUnits }
}

/** Conv2D (or its transpose) counted on the low-resolution side: pixels x Cin x K x K x Cout. */
export function convCost(
  name: string,
  lowResPixels: number,
  cin: number,
  k: number,
  cout: number
): LayerCost {
  return { name, macs: lowResPixels * cin * k * k * cout }
}

function sum(layers: readonly LayerCost[]): number {
  return layers.reduce((s, l) => s + l.macs, 0)
}

/**
 * FLOPs per step for "one D update then one G update", each with its own forward pass (what
 * tfjs's one-loss-per-tape gradients require):
 *  D step: G fwd on B; D fwd on 2B; D dW on 2B; D dx on 2B except the first layer (input is data).
 *  G step: G fwd on B; D fwd on B; D dx on B (all layers, feeds G); G dW on B; G dx except layer 1.
 */
export function ganStepFlops(g: readonly LayerCost[], d: readonly LayerCost[], batch: number): number {
  const gf = sum(g)
  const df = sum(d)
  const dFirst = d[0]?.macs ?? 0
  const gFirst = g[0]?.macs ?? 0
  const dStep = gf + 2 * df + 2 * df + 2 * (df - dFirst)
  const gStep = gf + df + df + gf + (gf - gFirst)
  return 2 * batch * (dStep + gStep)
}

/**
 * FLOPs per step when both updates come from one forward pass (as the TensorFlow DCGAN tutorial
 * does with two tapes): G fwd on B; D fwd on real, on stop-gradient(fake) and on fake with
 * constant D weights (for G's loss); D dW on 2B; D dx on real except layer 1, on both fake paths
 * (all layers); G dW and G dx except layer 1.
 */
export function sharedForwardStepFlops(
  g: readonly LayerCost[],
  d: readonly LayerCost[],
  batch: number
): number {
  const gf = sum(g)
  const df = sum(d)
  const dFirst = d[0]?.macs ?? 0
  const gFirst = g[0]?.macs ?? 0
  return 2 * batch * (gf + 3 * df + 2 * df + (df - dFirst) + 2 * df + gf + (gf - gFirst))
}

/** The TensorFlow DCGAN tutorial (MNIST) generator and discriminator. */
export const W1_LAYERS: { g: LayerCost[]; d: LayerCost[] } = {
  g: [
    denseCost('g.dense', 100, 7 * 7 * 256),
    convCost('g.convT1', 7 * 7, 256, 5, 128),
    convCost('g.convT2', 7 * 7, 128, 5, 64),
    convCost('g.convT3', 14 * 14, 64, 5, 1)
  ],
  d: [
    convCost('d.conv1', 14 * 14, 1, 5, 64),
    convCost('d.conv2', 7 * 7, 64, 5, 128),
    denseCost('d.dense', 7 * 7 * 128, 1)
  ]
}

/** The project's seed MLP-generator / small conv discriminator. */
export const SEED_LAYERS: { g: LayerCost[]; d: LayerCost[] } = {
  g: [denseCost('g.dense1', 100, 128), denseCost('g.dense2', 128, 128), denseCost('g.dense3', 128, 784)],
  d: [
    convCost('d.conv1', 14 * 14, 1, 3, 64),
    convCost('d.conv2', 7 * 7, 64, 3, 64),
    denseCost('d.dense1', 7 * 7 * 64, 128),
    denseCost('d.dense2', 128, 1)
  ]
}
