/**
 * A chain (src/stats/chain.ts) as plain serialisable data, the chain artifact's `summary`: the
 * runs, every stage's FitSummary (with its share of the joint bootstrap: every draw, so a stage's
 * draws serialise like a fit's), the bootstrap's bookkeeping and the predictions with their
 * per-replicate values. Built here, in report/, from the chain's neutral results; `lawfit chain`,
 * the shard merge (shard/chain-shard.ts) and `lawfit report` all read this one shape.
 */
import type { FewRows } from '../stats/bootstrap.js';
import { freeEstimates, type ChainBootstrap, type ChainDesign, type ChainFit, type ChainPrediction, type FittedStage } from '../stats/chain.js';
import { percentileInterval, sd } from '../stats/intervals.js';
import { describeDesign } from '../stats/resample.js';
import { summarizeFit, type FitSummary } from './summary.js';

/** The chain as plain serialisable data: runs, every stage's FitSummary (draws included), the bootstrap's bookkeeping and the predictions with their per-replicate values. */
export interface ChainSummary {
  source: string;
  digest?: string;
  runs: { n: number; rowNumbers: number[] };
  stages: Array<{ summary: FitSummary; chainedInput?: string; residualScale: number | null }>;
  bootstrap?: Omit<ChainBootstrap, 'design'> & { design: string };
  predictions: Array<Omit<ChainPrediction, 'replicateValues'> & { replicateValues?: { stages: Array<Array<number | null>>; lastStageOnly: Array<number | null> } }>;
}

export function summarizeChain(chain: ChainFit, predictions: readonly ChainPrediction[], digest?: string): ChainSummary {
  const out: ChainSummary = {
    source: chain.source,
    ...(digest !== undefined ? { digest } : {}),
    runs: { n: chain.runs.n, rowNumbers: Array.from(chain.runs.rowNumbers) },
    stages: chain.stages.map((s) => ({
      summary: stageSummary(s, chain.bootstrap),
      ...(s.chainedInput !== undefined ? { chainedInput: s.chainedInput } : {}),
      residualScale: Number.isFinite(s.residualScale) ? s.residualScale : null,
    })),
    predictions: predictions.map(summarizePrediction),
  };
  if (chain.bootstrap !== undefined) out.bootstrap = summarizeChainBootstrap(chain.bootstrap);
  return out;
}

/** A point's prediction as plain data (NaN as null). */
export function summarizePrediction({ replicateValues, ...p }: ChainPrediction): ChainSummary['predictions'][number] {
  const plain = (v: Float64Array): Array<number | null> => Array.from(v, (x) => (Number.isFinite(x) ? x : null));
  return { ...p, ...(replicateValues !== undefined ? { replicateValues: { stages: replicateValues.stages.map(plain), lastStageOnly: plain(replicateValues.lastStageOnly) } } : {}) };
}

export function summarizeChainBootstrap(b: ChainBootstrap): NonNullable<ChainSummary['bootstrap']> {
  return { ...b, design: describeDesign(b.design) };
}

/** A stage's FitSummary, with its share of the joint bootstrap when one ran. */
function stageSummary(s: FittedStage, boot: ChainBootstrap | undefined): FitSummary {
  const summary = summarizeFit(s.fit);
  if (boot !== undefined && s.draws !== undefined) {
    summary.bootstrap = stageBootstrapSummary(s.draws, freeEstimates(s.fit), boot.replicates, boot.seed, boot.design, boot.level, s.startsPerReplicate ?? 0, s.fewRows);
  }
  return summary;
}

/**
 * A stage's share of the joint bootstrap, in the FitSummary shape (so its draws serialise like a
 * fit's), from its R x p draws (NaN rows failed); merging shards calls it over the joined draws.
 */
export function stageBootstrapSummary(
  draws: Float64Array,
  free: ReadonlyArray<{ name: string; value: number }>,
  R: number,
  seed: number,
  design: ChainDesign,
  level: number,
  startsPerReplicate: number,
  few: FewRows | undefined,
): NonNullable<FitSummary['bootstrap']> {
  const p = free.length;
  const ok = Array.from({ length: R }, (_, r) => r).filter((r) => !Number.isNaN(draws[r * p]!));
  const succeeded = new Set(ok);
  return {
    replicates: R,
    succeeded: ok.length,
    failed: Array.from({ length: R }, (_, r) => r).filter((r) => !succeeded.has(r)),
    seed,
    design: describeDesign(design),
    level,
    startsPerReplicate,
    parameters: free.map((q, j) => {
      const col = Float64Array.from(ok, (r) => draws[r * p + j]!);
      return { name: q.name, estimate: q.value, sd: sd(col), percentile: percentileInterval(col, level) };
    }),
    draws: Array.from({ length: R }, (_, r) => (succeeded.has(r) ? Array.from(draws.subarray(r * p, r * p + p)) : null)),
    ...(few !== undefined && few.replicates.length > 0 ? { fewRows: few } : {}),
  };
}
