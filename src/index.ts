/**
 * lawfit's library entry (Node). Browser code imports the same modules except the worker-thread
 * pool (src/fit/cpu/pool.ts), the file helpers (src/report/artifact-file.ts) and the Node shader
 * loader (src/gpu/shaders-node.ts). Everything here is one entry, the WebGPU engine included:
 * Dawn's native `webgpu` module is imported only when an engine first asks for a device, so
 * importing lawfit never loads it.
 */
export { compileLaw, internalFromNatural, naturalFromInternal, targetInSpace, applyOverrides, type CompiledLaw, type FreeParam } from './law/compile.js';
export type { LawDeclaration, ParamDecl, InputDecl, LawOverrides, ResidualSpace } from './law/declaration.js';
export { parseProgram, parseExpression, MAX_NESTING, MAX_NODES, type Program, type Expr } from './law/syntax.js';
export { FUNCTIONS } from './law/functions.js';
export { perGroup, compileGroupedLaw, groupedDataset, groupLevels, parsePerFlag, extractIndexedParams, indicatorValues, groupLawValues, lawFromDeclaration, type PerGroupSpec, type Grouping, type GroupsRecord } from './law/groups.js';
export { nestedTest, type NestedTest } from './stats/nested.js';
export { groupedLadder, type GroupedLadder, type GroupedLadderOptions } from './examples/grouped-ladder.js';
export { BUILTIN_LAWS, findLaw, lawNames } from './laws/index.js';
export { loadDataset, datasetFromText, datasetFromTable, readTable, readTableFile, tableFromRecords, parseColumnMap, type Dataset, type DataSpec, type Table } from './data/index.js';
export { fitLaw, fitBatch, pickBest, type BatchFit, type BatchFitOptions, DEFAULT_REACH_TOLERANCE, F32_REACH_TOLERANCE, defaultReachTolerance, type FitOptions, type FitResult, type ParamEstimate, type FitStatistics, type StartSummary } from './fit/fit.js';
export { poolEngine, solveBatchParallel } from './fit/cpu/pool.js';
export { singleThreadEngine, type Engine } from './fit/engine.js';
export { webgpuEngine, GROUP_PROBE_GATE, type WebGpuEngine, type WebGpuEngineOptions } from './gpu/engine.js';
export { nodeShaderSources } from './gpu/shaders-node.js';
export type { ShaderSources, KernelVariant } from './gpu/kernels.js';
export { acquireGpu, releaseGpu, createGpuContext, isGpuContext, type GpuContext, type GpuUnavailable } from './gpu/device.js';
export { isCancelled, type RunControl, type Progress } from './fit/control.js';
export { prepareData, type BatchProblem, type BatchResult, type PreparedData } from './fit/problem.js';
export { STATUS, STATUS_TABLE, statusInfo, isUsable, type StatusInfo } from './fit/status.js';
export { DEFAULT_LM_OPTIONS, LM_OPTION_DOCS, resolveLmOptions, type LmOptions, type DampingMode, type ProjectionMode } from './fit/options.js';
export { detectLinearParams, type LinearParamInfo } from './law/linear-params.js';
export { projectionReport, type ProjectionReport } from './fit/fit.js';
export { LOSSES, parseLoss, formatLoss, type LossSpec, type LossKind } from './fit/losses.js';
export { makeStarts, sobolPoints, type StartSpec, type StartSet } from './fit/starts.js';
export { uncertaintyAt, type Uncertainty } from './fit/covariance.js';
export { bootstrapFit, DEFAULT_BASINS, type BootstrapOptions, type BootstrapResult, type ParameterSummary, type ReplicateStarts } from './stats/bootstrap.js';
export { predictAt, type Prediction } from './stats/predict.js';
export { computeOptimal, computeOptimalByGroup, type OptimalOptions, type OptimalPlan, type OptimalBudget, type PlannedQuantity } from './stats/optimal.js';
export { chinchillaParams, optimalExponents, optimalAllocation, budgetForLoss, DEFAULT_FLOPS_PER_TOKEN_PER_PARAM, type ChinchillaParams, type Allocation } from './stats/derived.js';
export { compareLaws, type Comparison, type LawComparison, type FoldScore, type HeldOutError, type CompareOptions, type CompareBootstrapOptions, type CompareDesign } from './stats/compare.js';
export { holdoutFolds, DEFAULT_ROLLING_CUTOFFS, type Holdout, type Fold, type FoldPlan } from './stats/holdout.js';
export { coverageCheck, coverageBootstrapSeed, parseNoise, describeNoise, NOISE_SYNTAX, type CoverageOptions, type CoverageResult, type CoverageNoise, type CoverageDesign, type DesignCoverage, type QuantityCoverage, type IntervalCoverage } from './stats/coverage.js';
export { fixedDesignBasis, replicateTargets, leverages, type FixedDesignBasis } from './stats/fixed-design.js';
export { parseDesign, describeDesign, resolveDesign, isFixedDesign, resampleWeights, DESIGN_SYNTAX, type BootstrapDesign, type ColumnDesign, type FixedDesign, type WildWeights, type ResampleGenerator, type ResampleOptions } from './stats/resample.js';
export { replicateRng } from './util/rng.js';
export { fitChain, predictChain, pointInputs, summarizeChain, PREVIOUS_STAGE, type ChainStage, type ChainOptions, type ChainBootstrapOptions, type ChainDesign, type ChainFit, type FittedStage, type ChainBootstrap, type ReplicateFailure, type ChainPrediction, type StagePrediction, type ChainSummary } from './stats/chain.js';
export { summarizeFit, type FitSummary } from './report/summary.js';
export { bootstrapSummary, summarizeBootstrapFit, type BootstrapRun } from './report/bootstrap-summary.js';
export { renderTextReport } from './report/text.js';
export { makeArtifact, parseArtifact, serializeArtifact, type FitArtifact } from './report/artifact.js';
export { validateArtifact, fitArtifactSchema, comparisonArtifactSchema, chainArtifactSchema } from './report/artifact-schema.js';
export { readArtifactFile, writeArtifactFile } from './report/artifact-file.js';
export { chinchillaLadder, HOFFMANN_TRUTH } from './examples/chinchilla-ladder.js';
export { fittedPoints, plotInputsFromFit, plotInputsFromSummary, type FittedPoint, type PlotInputs } from './plots/inputs.js';
export { fitPlots, comparisonPlots, type NamedPlot } from './plots/plot-set.js';
export { fitPlotSpec, fitCurves } from './plots/fit-plot.js';
export { residualsSpec } from './plots/residuals-plot.js';
export { bootstrapHistogramsSpec, bootstrapPairsSpec } from './plots/bootstrap-plots.js';
export { frontierSpec, frontierCurve, isChinchillaType } from './plots/frontier-plot.js';
export { comparisonSpec, comparisonPlotOptions, type ComparisonEntry, type ComparisonPlotOptions } from './plots/comparison-plot.js';
export { renderSvg } from './plots/render.js';
export { writePlots } from './plots/write-plots.js';
export { analyzeIsoflop, isoflopRunsFromDataset, ISOFLOP_DESIGNS, type IsoflopRuns, type IsoflopOptions, type IsoflopBootstrapOptions, type IsoflopDesign, type IsoflopResult, type IsoflopGroup, type IsoflopBudget, type IsoflopRunVerdict, type IsoflopFrontier, type IsoflopBootstrap, type VertexFit, type Bracket, isoflopBootstrapSummary, type IsoflopReplicateSlice, type FrontierPoint } from './stats/isoflop.js';
export { QC_STAGES, QC_REASONS, QC_THRESHOLDS, DEFAULT_QC, NO_QC, parseQcStages, type QcStage, type QcReason, type QcOptions, type QcThresholds } from './stats/isoflop-qc.js';
export { fitParabola, curvatureInterval, vertexPosition, type ParabolaFit } from './stats/parabola.js';
export { fitFrontier, predictFrontier, FRONTIER_WEIGHTS, type FrontierFit, type FrontierPrediction, type FrontierWeights } from './stats/isoflop-frontier.js';
export { approach3, type Approach3Result } from './stats/isoflop-approach3.js';
export { studentTQuantile, studentTCdf } from './stats/student-t.js';
export { renderIsoflop } from './report/isoflop-text.js';
export { isoflopPlots, isoflopCurvesSpec, isoflopFrontierSpec } from './plots/isoflop-plots.js';
export { parseShard, shardRange, shardArtifactPath, INDEX_VARIABLES, type Shard } from './shard/shard.js';
export { runShard, parseShardArtifact, type ShardArtifact, type RunIdentity, type ShardedKind } from './shard/artifact.js';
export { checkShardSet, timingFree, type LoadedShard, type ShardSet } from './shard/merge.js';
export { mergeFitShards } from './shard/fit-shard.js';
export { mergeCompareShards } from './shard/compare-shard.js';
export { mergeChainShards } from './shard/chain-shard.js';
export { mergeIsoflopShards, isoflopShardPayload, type IsoflopShardPayload } from './shard/isoflop-shard.js';
export { parseSweepSpec, sweepCombinations, mergeSweepShards, type SweepSpec, type SweepArtifact, type Combination, type CombinationResult } from './shard/sweep.js';
export { shardStatus, type RunStatus, type ShardStatus } from './shard/status.js';
export { indexedJobManifest, type IndexedJobOptions } from './shard/k8s.js';
export { LawfitError, FormulaError, DataError, isLawfitError, type LawfitErrorCode } from './errors.js';
export { LAWFIT_VERSION } from './version.js';
