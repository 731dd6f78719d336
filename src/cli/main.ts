#!/usr/bin/env node
/**
 * The `lawfit` command. Dispatches to one module per subcommand; turns errors into one clear line
 * and an exit code: 0 success, 2 bad input (anything the user supplied: files, flags, formulas),
 * 130 cancelled by Ctrl-C, 1 internal error (a bug: the message asks for a report).
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isLawfitError } from '../errors.js';
import { isCancelled } from '../fit/control.js';
import { LAWFIT_VERSION } from '../version.js';
import { EXIT, markStdoutClosed, processIo, type Io } from './io.js';
import { releaseOutputGuards } from './outputs.js';
import { adoptParentTerminal, runWithFilteredStderr, wantsNativeFilter } from './native-stderr.js';

export const USAGE = `lawfit ${LAWFIT_VERSION}: fit neural scaling laws, verified in float64

usage: lawfit <command> [options]

commands
  demo                  fit the chinchilla law to a built-in synthetic ladder (the main job, end to end)
  fit FILE ...          fit a law to your runs (lawfit fit --help)
  laws [NAME]           list the built-in laws, or show one in full
  report RESULT.json    print a saved result again (fit, compare, chain, isoflop or hpopt)
  optimal RESULT.json   compute-optimal model size and tokens for a budget (Chinchilla-type laws)
  predict RESULT.json   the fitted law at new inputs, with confidence and prediction bands
  compare FILE ...      rank laws by their error on held-out runs (lawfit compare --help)
  plot RESULT.json      draw a saved fit's plots again as SVG files (--out DIR)
  chain FILE ...        a loss law feeding a downstream law, stage 1's uncertainty carried (lawfit chain --help)
  isoflop FILE ...      IsoFLOP analysis (Chinchilla Approach 2) with QC and bootstrap (lawfit isoflop --help)
  hpopt FILE ...        optimal learning rate / batch size per (N, D) cell as power laws, with bootstrap (lawfit hpopt --help)
  sweep SPEC.json       many (dataset, target, law) fits or comparisons from one file (lawfit sweep --help)
  merge SHARD...        join the shards of a run (--shard K/N) into its artifact; --status lists them
  shard-manifest --k8s  a Kubernetes Indexed Job running a sweep's shards
  coverage RESULT.json  check a fit's bootstrap intervals on simulated datasets of its own design (--sets S)
  lr-areas FILE|--schedule  a learning-rate schedule's areas S1, S2 (inputs of the lr-annealing law)
  pass-at-k FILE        coverage at k from per-problem (n, c) sample counts (target of the coverage law)

  lawfit <command> --help   for a command's options
`;

type Command = (argv: string[], io: Io) => Promise<number>;

/**
 * Each command's module, loaded only when that command runs: a process runs one command, and
 * loading all of them (vega and vega-lite for the plots, zod for the artifact schemas, the GPU
 * engine) cost ~0.35 s of start-up before anything was fitted (bench/results/projection.md).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  fit: async () => (await import('./commands/fit.js')).fitCommand,
  laws: async () => (await import('./commands/laws.js')).lawsCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  predict: async () => (await import('./commands/predict.js')).predictCommand,
  optimal: async () => (await import('./commands/optimal.js')).optimalCommand,
  compare: async () => (await import('./commands/compare.js')).compareCommand,
  plot: async () => (await import('./commands/plot.js')).plotCommand,
  chain: async () => (await import('./commands/chain.js')).chainCommand,
  isoflop: async () => (await import('./commands/isoflop.js')).isoflopCommand,
  sweep: async () => (await import('./commands/sweep.js')).sweepCommand,
  merge: async () => (await import('./commands/merge.js')).mergeCommand,
  'shard-manifest': async () => (await import('./commands/shard-manifest.js')).shardManifestCommand,
  coverage: async () => (await import('./commands/coverage.js')).coverageCommand,
  hpopt: async () => (await import('./commands/hpopt.js')).hpoptCommand,
  'lr-areas': async () => (await import('./commands/lr-areas.js')).lrAreasCommand,
  'pass-at-k': async () => (await import('./commands/pass-at-k.js')).passAtKCommand,
};

/** Run the CLI in-process (tests call this); returns the exit code. */
export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? EXIT.BAD_INPUT : EXIT.OK;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${LAWFIT_VERSION}\n`);
    return EXIT.OK;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    io.err(`lawfit: unknown command '${name}'\n\n${USAGE}`);
    return EXIT.BAD_INPUT;
  }
  try {
    const command = await load();
    return await command(rest, io);
  } catch (e) {
    // Ctrl-C (run-control.ts): the error's message is the one line to print; not a failure.
    if (isCancelled(e)) {
      io.err(`lawfit ${name}: ${(e as Error).message}\n`);
      return EXIT.CANCELLED;
    }
    if (isLawfitError(e) && e.badInput !== false) {
      io.err(`lawfit ${name}: error: ${e.message}\n`);
      return EXIT.BAD_INPUT;
    }
    // node:util parseArgs reports unknown or malformed flags with these codes.
    const code = (e as { code?: unknown } | null)?.code;
    // One line, as for every other bad input: the first line of parseArgs's message (the rest
    // suggests '--flag=-XYZ', which parse-flags.ts made unnecessary) and where the options are.
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      const first = ((e as Error).message.split('\n')[0] ?? '').replace(/\.$/, '');
      io.err(`lawfit ${name}: error: ${first}; 'lawfit ${name} --help' lists the options\n`);
      return EXIT.BAD_INPUT;
    }
    io.err(`lawfit ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\nThis is a bug in lawfit; please report it with the command line.\n`);
    return EXIT.INTERNAL;
  } finally {
    // A command that failed between checking its outputs and writing them leaves its guard here.
    releaseOutputGuards();
  }
}

/** True when this file is the program being run (directly, or through npm's bin symlink). */
function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  // Output piped into a reader that stops early (`lawfit laws | head`): stop printing quietly,
  // as Unix tools do, but finish the command: its files are still written (io.ts).
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      markStdoutClosed();
      return;
    }
    throw e;
  });
  const argv = process.argv.slice(2);
  adoptParentTerminal();
  // --engine webgpu: run in a child whose stderr drops Dawn's and Vulkan's native notices (native-stderr.ts).
  (wantsNativeFilter(argv) ? runWithFilteredStderr(argv) : runCli(argv)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`lawfit: internal error: ${String(e)}\n`);
      process.exitCode = EXIT.INTERNAL;
    },
  );
}
