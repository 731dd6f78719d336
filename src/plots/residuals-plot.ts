/**
 * Residuals of the best fit (residuals.svg), in the law's residual space (log(observed) -
 * log(fitted) for log-space laws, which is what the loss was minimised on): against the fitted
 * value and against each input (log x where the input is positive), each with a rule at zero.
 * Structure a reader should see here (a trend with N, a funnel) is misfit the parameters hide.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ResidualSpace } from '../law/declaration.js';
import { HELD_OUT_MARK, heldOutLine, shownInputs, type PlotInputs } from './inputs.js';
import { allPositive, axisFor, COLOR, logTicks, sourceLabel, TOOLTIP_FORMAT, topLevel } from './style.js';
import { own } from '../util/names.js';

const RESIDUAL_PANEL = { width: 220, height: 200 } as const;

export function residualTitle(space: ResidualSpace): string {
  switch (space) {
    case 'linear':
      return 'residual: observed − fitted';
    case 'log':
      return 'residual: log(observed) − log(fitted)';
    case 'log1p':
      return 'residual: log1p(observed) − log1p(fitted)';
  }
}

export function residualsSpec(inputs: PlotInputs): TopLevelSpec {
  const { summary, points } = inputs;
  const inputNames = shownInputs(summary);
  const held = new Set(inputs.heldOut?.rows ?? []);
  const rows = points.map((p) => ({ ...p.inputs, fitted: p.fitted, observed: p.observed, residual: p.residual, row: p.row, heldOut: held.has(p.row) }));
  const nHeld = rows.filter((r) => r.heldOut).length;
  const yTitle = residualTitle(summary.law.declaration.space);
  const maxAbs = Math.max(...points.map((p) => Math.abs(p.residual)).filter(Number.isFinite), 1e-12);
  const panel = (field: string, title: string, first: boolean): object => {
    const values = points.map((p) => (field === 'fitted' ? p.fitted : p.inputs[field]!));
    const log = allPositive(values);
    return {
      ...RESIDUAL_PANEL,
      layer: [
        { mark: { type: 'rule', color: COLOR.estimate, strokeWidth: 1 }, encoding: { y: { datum: 0, type: 'quantitative' } } },
        {
          mark: { type: 'point', filled: true, size: 22, opacity: 0.7, color: COLOR.data },
          encoding: {
            x: { field, type: 'quantitative', title, scale: log ? { type: 'log', nice: false } : { zero: false, nice: false }, axis: { ...axisFor(log), ...logTicks(values, log) } },
            y: { field: 'residual', type: 'quantitative', title: first ? yTitle : null, scale: { domain: [-1.08 * maxAbs, 1.08 * maxAbs] }, axis: axisFor(false) },
            tooltip: [{ field: 'row', type: 'quantitative' }, ...inputNames.map((n) => ({ field: n, type: 'quantitative', format: TOOLTIP_FORMAT })), { field: 'observed', type: 'quantitative', format: TOOLTIP_FORMAT }, { field: 'fitted', type: 'quantitative', format: TOOLTIP_FORMAT }, { field: 'residual', type: 'quantitative', format: TOOLTIP_FORMAT }],
          },
        },
        ...(nHeld > 0
          ? [
              {
                transform: [{ filter: 'datum.heldOut' }],
                mark: HELD_OUT_MARK,
                encoding: {
                  x: { field, type: 'quantitative', scale: log ? { type: 'log', nice: false } : { zero: false, nice: false } },
                  y: { field: 'residual', type: 'quantitative', scale: { domain: [-1.08 * maxAbs, 1.08 * maxAbs] } },
                },
              },
            ]
          : []),
      ],
    };
  };
  const exprTitle = (n: string): string => {
    const e = own(summary.data.inputs, n);
    return e !== undefined && e !== n ? `${n} = ${e}` : n;
  };
  const panels = [panel('fitted', `fitted ${summary.data.target}`, true), ...inputNames.map((n) => panel(n, exprTitle(n), false))];
  const rmse = summary.statistics.rmse;
  return {
    ...topLevel(`Residuals of the fit of '${summary.law.name}'`, [
      `${summary.data.n} runs from ${sourceLabel(summary)}; ${yTitle.replace('residual: ', '')}, the space the law was fitted in (loss ${summary.loss})`,
      `RMS residual ${rmse.toPrecision(3)}; the line marks zero`,
      ...(inputs.heldOut !== undefined && nHeld > 0 ? [heldOutLine(inputs.heldOut, nHeld)] : []),
    ]),
    data: { values: rows },
    hconcat: panels,
    resolve: { scale: { y: 'shared' } },
  } as TopLevelSpec;
}
