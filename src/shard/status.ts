/**
 * `lawfit merge --status`: which shards of the runs in a directory (or among given files) are done
 * (their artifact is there), running (a .running marker: started, not finished), failed (a .failed
 * marker with the error's line) or not started (nothing yet). Read from the files alone, so it
 * works on any shared filesystem the array's tasks write to, whatever the scheduler. A running
 * marker written on this host by a process that no longer exists (killed, or Ctrl-C, which exits
 * at once) is flagged stale; markers from other hosts cannot be checked from here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { LawfitError } from '../errors.js';

/** Whether process `pid` exists here (signal 0 checks without sending; EPERM means it exists as another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SHARD_FILE = /^(.+)\.shard-(\d+)-of-(\d+)\.(json|running|failed)$/;

export type ShardState = 'done' | 'running' | 'failed' | 'not started';

export interface ShardStatus {
  index: number;
  state: ShardState;
  path?: string;
  detail?: string;
}

export interface RunStatus {
  /** The run's artifact name without the shard suffix, e.g. results/fit. */
  run: string;
  count: number;
  shards: ShardStatus[];
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The status of every sharded run among `paths` (directories are listed; files taken as they are). */
export function shardStatus(paths: readonly string[]): RunStatus[] {
  const files: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new LawfitError('artifact', `merge --status: ${p}: no such file or directory`);
    }
    if (isDir) files.push(...readdirSync(p).map((f) => join(p, f)));
    else files.push(p);
  }
  const runs = new Map<string, RunStatus>();
  for (const f of files.sort()) {
    const m = SHARD_FILE.exec(basename(f));
    if (m === null) continue;
    const [, stem, k, n, ext] = m;
    const count = Number(n);
    const key = `${join(dirname(f), stem!)}\u0000${count}`;
    let run = runs.get(key);
    if (run === undefined) {
      run = { run: join(dirname(f), stem!), count, shards: Array.from({ length: count }, (_, index) => ({ index, state: 'not started' as ShardState })) };
      runs.set(key, run);
    }
    const s = run.shards[Number(k)];
    if (s === undefined) continue;
    // A finished artifact outranks a marker; a failure outranks a stale running marker.
    if (ext === 'json') {
      const a = readJson(f);
      Object.assign(s, { state: 'done', path: f, detail: a === undefined ? 'unreadable JSON' : `written ${String(a.createdAt)}` });
    } else if (ext === 'failed' && s.state !== 'done') {
      const a = readJson(f);
      Object.assign(s, { state: 'failed', path: f, detail: `${String(a?.error ?? '?')} (on ${String(a?.host ?? '?')}, ${String(a?.failedAt ?? '?')})` });
    } else if (ext === 'running' && s.state === 'not started') {
      const a = readJson(f);
      const stale = a?.host === hostname() && typeof a.pid === 'number' && !alive(a.pid) ? ` (stale: no process ${a.pid} on this host; it was killed or cancelled, run the shard again)` : '';
      Object.assign(s, { state: 'running', path: f, detail: `since ${String(a?.startedAt ?? '?')} on ${String(a?.host ?? '?')}, pid ${String(a?.pid ?? '?')}${stale}` });
    }
  }
  return [...runs.values()];
}

export function renderShardStatus(runs: readonly RunStatus[]): string {
  if (runs.length === 0) return 'no shard artifacts or markers found\n';
  const lines: string[] = [];
  for (const r of runs) {
    const count = (st: ShardState): number => r.shards.filter((s) => s.state === st).length;
    lines.push(`${r.run} (${r.count} shards): ${count('done')} done, ${count('running')} running, ${count('failed')} failed, ${count('not started')} not started`);
    for (const s of r.shards) lines.push(`  ${`${s.index}/${r.count}`.padStart(7)}  ${s.state.padEnd(11)}  ${s.detail ?? ''}`.trimEnd());
  }
  return lines.join('\n') + '\n';
}
