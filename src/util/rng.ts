/**
 * Seeded randomness for everything lawfit draws (random starts, synthetic data, bootstrap
 * weights): xoroshiro128+ from pure-rand, so a seed reproduces the same numbers on every machine
 * and in every backend (draws happen on the host; engines receive the results).
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { LawfitError } from '../errors.js';

export type Rng = ReturnType<typeof xoroshiro128plus>;

/**
 * Seeds are whole numbers from 0 to 2^32 - 1 (numpy's np.random.seed range, which the
 * numpy-legacy generator reproduces). Anything else is refused rather than folded: `seed | 0`
 * maps 1.5, 1.9 and 4294967297 all to 1, so three different recorded seeds would give one set of
 * draws. Inside the range `seed | 0` is one-to-one (it reinterprets the 32 bits as int32).
 */
export const SEED_MAX = 0xffff_ffff;

export function isValidSeed(seed: number): boolean {
  return Number.isInteger(seed) && seed >= 0 && seed <= SEED_MAX;
}

/** The one-line complaint about a bad seed; `label` is the flag or option that gave it. */
export function seedProblem(label: string, text: string): string {
  return `${label}: expected a whole number from 0 to ${SEED_MAX} (a seed), got '${text}'`;
}

export function createRng(seed: number): Rng {
  if (!isValidSeed(seed)) throw new LawfitError('bad-option', seedProblem('seed', String(seed)));
  return xoroshiro128plus(seed | 0);
}

/** murmur3's 32-bit finaliser: a bijection of the 32-bit integers with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * The stream of bootstrap replicate r under `seed`: a function of (seed, r) alone, so any range of
 * replicates can be drawn on its own (shards, chunks, a coverage run's datasets) and gives the
 * same numbers as a run that drew them all. The 128-bit xoroshiro state holds seed and r through
 * bijections (distinct (seed, r) pairs give distinct states; one word is a non-zero constant, so
 * the state is never all zero), and the first 16 outputs are discarded, since neighbouring states
 * of xoroshiro128+ need a few steps to decorrelate. `stream` separates independent uses of the
 * same replicate (e.g. the datasets of a coverage run and their replicates).
 */
export function replicateRng(seed: number, r: number, stream = 0): Rng {
  const rng = xoroshiro128plusFromState([fmix32((seed | 0) ^ 0x9e3779b9), fmix32((r | 0) ^ 0x7f4a7c15), fmix32(Math.imul(stream | 0, 0x2545f491) ^ 0x1b873593), 0x6a09e667]);
  for (let k = 0; k < 16; k++) rng.next();
  return rng;
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
