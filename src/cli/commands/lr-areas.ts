/**
 * `lawfit lr-areas`: a learning-rate schedule to the forward area S1 and annealing area S2 of the
 * `lr-annealing` law (src/transforms/lr-schedule.ts has the definitions and their source). Either
 * a file with a per-step learning-rate column (every column is kept, S1 and S2 are appended), or
 * a named schedule over --steps (one row per step, or per --every K steps).
 */
import { LawfitError } from '../../errors.js';
import { readTableFile } from '../../data/index.js';
import { DEFAULT_ANNEALING_LAMBDA, parseSchedule, scheduleAreas, scheduleLr, SCHEDULE_SYNTAX } from '../../transforms/lr-schedule.js';
import type { Io } from '../io.js';
import { numericColumn } from '../table-columns.js';
import { appendColumns, oneInputFile, runTransformCommand } from '../transform-command.js';

export const LR_AREAS_USAGE = `usage: lawfit lr-areas FILE --lr COLUMN [options]
       lawfit lr-areas --schedule SPEC --steps T [options]

The forward area S1 = Σ η_i and the annealing area S2 = Σ m_i, m_i = λ·m_(i−1) + (η_(i−1) − η_i),
of a learning-rate schedule: the inputs of the lr-annealing law (Tissue et al. 2024).

  FILE --lr COLUMN    a table with one row per optimiser step, in step order; the output is the
                      table with S1 and S2 appended
  --schedule SPEC     a named schedule instead: ${SCHEDULE_SYNTAX}
  --steps T           its total number of steps
  --every K           with --schedule: print every K-th step (and the last); default 1
  --lambda L          momentum decay λ in [0, 1); default ${DEFAULT_ANNEALING_LAMBDA}
  --warmup W          leave the first W steps out of both sums; default: the schedule's own
                      warmup with --schedule, 0 for a file (a rising learning rate counted in
                      would enter S2 as negative annealing)
  --out FILE.csv      write there instead of stdout
`;

function wholeNumber(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0) throw new LawfitError('bad-option', `${flag} needs a whole number >= 0, got '${text}'`);
  return v;
}

export function lrAreasCommand(argv: string[], io: Io): Promise<number> {
  return runTransformCommand(argv, io, {
    usage: LR_AREAS_USAGE,
    flags: ['lr', 'schedule', 'steps', 'every', 'lambda', 'warmup'],
    async run(values, positionals) {
      const lambda = values.lambda !== undefined ? Number(values.lambda) : DEFAULT_ANNEALING_LAMBDA;
      if (values.lambda !== undefined && !Number.isFinite(lambda)) throw new LawfitError('bad-option', `--lambda needs a number in [0, 1), got '${values.lambda}'`);
      if (values.schedule !== undefined) {
        if (positionals.length > 0 || values.lr !== undefined) throw new LawfitError('bad-option', 'lr-areas: give either FILE --lr COLUMN or --schedule SPEC --steps T, not both');
        if (values.steps === undefined) throw new LawfitError('bad-option', '--schedule needs --steps T (the total number of optimiser steps)');
        const steps = wholeNumber(values.steps, '--steps', 0);
        const every = Math.max(1, wholeNumber(values.every, '--every', 1));
        const schedule = parseSchedule(values.schedule, steps);
        const lr = scheduleLr(schedule);
        // A named schedule's warmup is known: its rising learning rate is left out of the areas unless
        // --warmup says otherwise (counted, it would enter S2 as negative annealing).
        const warmup = wholeNumber(values.warmup, '--warmup', schedule.warmup ?? 0);
        const { S1, S2 } = scheduleAreas(lr, { lambda, warmup });
        const rows: unknown[][] = [];
        for (let i = 0; i < lr.length; i++) if ((i + 1) % every === 0 || i === lr.length - 1) rows.push([i + 1, lr[i], S1[i], S2[i]]);
        return { header: ['step', 'lr', 'S1', 'S2'], rows };
      }
      const file = oneInputFile(positionals, 'lr-areas: give one FILE with --lr COLUMN, or --schedule SPEC --steps T (lawfit lr-areas --help)');
      const lr = values.lr;
      if (lr === undefined) throw new LawfitError('bad-option', 'lr-areas: FILE needs --lr COLUMN, the per-step learning rate');
      const warmup = wholeNumber(values.warmup, '--warmup', 0);
      const table = await readTableFile(file);
      return appendColumns(table, 'lr-areas', ['S1', 'S2'], () => scheduleAreas(numericColumn(table, lr, '--lr'), { lambda, warmup }));
    },
  });
}
