/**
 * Seeded randomness for everything lawfit draws (random starts, synthetic data, bootstrap
 * weights): xoroshiro128+ from pure-rand, so a seed reproduces the same numbers on every machine
 * and in every backend (draws happen on the host; engines receive the results).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

export type Rng = ReturnType<typeof xoroshiro128plus>;

export function createRng(seed: number): Rng {
  return xoroshiro128plus(seed | 0);
}

/** Uniform on [0, 1) with 53 random bits. */
export function nextDouble(rng: Rng): number {
  return uniformFloat64(rng);
}

/** Uniform integer in [lo, hi] inclusive. */
export function nextInt(rng: Rng, lo: number, hi: number): number {
  return uniformInt(rng, lo, hi);
}

/** Standard normal by the Box–Muller transform (one of the pair; simplicity over speed). */
export function nextNormal(rng: Rng): number {
  let u = 0;
  while (u === 0) u = nextDouble(rng);
  const v = nextDouble(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
