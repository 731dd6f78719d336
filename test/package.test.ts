import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import * as lawfit from '../src/index.js';

test('the library entry exports the public API and the version matches package.json', () => {
  const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../package.json'), 'utf8')) as { version: string };
  expect(lawfit.LAWFIT_VERSION).toBe(pkg.version);
  for (const name of ['compileLaw', 'findLaw', 'loadDataset', 'tableFromRecords', 'fitLaw', 'fitBatch', 'poolEngine', 'bootstrapFit', 'webgpuEngine', 'nodeShaderSources', 'releaseGpu', 'compareLaws', 'fitChain', 'predictChain', 'computeOptimal', 'predictAt', 'summarizeBootstrapFit', 'renderTextReport', 'STATUS_TABLE', 'analyzeIsoflop', 'isoflopRunsFromDataset', 'isoflopPlots', 'renderIsoflop', 'analyzeHyperparameterOptimum', 'hpoptRunsFromDataset', 'renderHpopt', 'DEFAULT_QC', 'detectLinearParams', 'projectionReport']) {
    expect(typeof (lawfit as Record<string, unknown>)[name], name).not.toBe('undefined');
  }
});
