/**
 * The IsoFLOP parabola (src/stats/parabola.ts) and Student's t (src/stats/student-t.ts): exact
 * recovery of a known parabola, the delta-method vertex error against a brute-force Monte Carlo,
 * leave-one-out errors against refits without the run, and t quantiles against published tables.
 */
import { describe, expect, test } from 'vitest';
import { curvatureInterval, fitParabola, vertexPosition } from '../../src/stats/parabola.js';
import { studentTCdf, studentTQuantile } from '../../src/stats/student-t.js';
import { createRng, nextNormal } from '../../src/util/rng.js';

const ones = (n: number): Float64Array => new Float64Array(n).fill(1);
const range = (n: number): number[] => [...Array(n).keys()];

describe('fitParabola', () => {
  test('recovers an exact parabola in ln N (at the scale of real model sizes) and its vertex', () => {
    const x = Float64Array.from(range(9), (i) => Math.log(1e8) + 0.4 * i);
    const xv = Math.log(4e8);
    const y = x.map((v) => 2.5 + 0.07 * (v - xv) ** 2);
    const f = fitParabola(x, y, ones(9), ones(9), range(9));
    expect(f.ok).toBe(true);
    expect(f.vertex).toBeCloseTo(xv, 10);
    expect(f.vertexLoss).toBeCloseTo(2.5, 12);
    expect(f.curvature).toBeCloseTo(0.07, 12);
    const [c0, c1, c2] = f.coefficients;
    expect(-c1 / (2 * c2)).toBeCloseTo(xv, 8);
    expect(c0 + c1 * xv + c2 * xv * xv).toBeCloseTo(2.5, 6);
    expect(vertexPosition(f)).toBeCloseTo((xv - x[0]!) / (x[8]! - x[0]!), 10);
  });

  test('the delta-method standard error of the vertex matches the spread of refits on noisy copies', () => {
    const n = 12;
    const x = Float64Array.from(range(n), (i) => 20 + 0.25 * i);
    const truth = (v: number): number => 3 + 0.2 * (v - 21.2) ** 2;
    const sigma = 0.004;
    const rng = createRng(7);
    const vertices: number[] = [];
    const ses: number[] = [];
    for (let r = 0; r < 4000; r++) {
      const y = x.map((v) => truth(v) + sigma * nextNormal(rng));
      const f = fitParabola(x, y, ones(n), ones(n), range(n));
      vertices.push(f.vertex);
      ses.push(f.vertexSe);
    }
    const mean = vertices.reduce((s, v) => s + v, 0) / vertices.length;
    const sd = Math.sqrt(vertices.reduce((s, v) => s + (v - mean) ** 2, 0) / (vertices.length - 1));
    const medianSe = [...ses].sort((a, b) => a - b)[ses.length >> 1]!;
    expect(Math.abs(mean - 21.2)).toBeLessThan(0.01);
    // A first-order approximation with estimated sigma: within 10 % of the true spread.
    expect(medianSe / sd).toBeGreaterThan(0.9);
    expect(medianSe / sd).toBeLessThan(1.1);
  });

  test('leave-one-out errors equal the prediction errors of refits without each run', () => {
    const n = 8;
    const x = Float64Array.from(range(n), (i) => 18 + 0.3 * i + 0.05 * Math.sin(i));
    const y = x.map((v, i) => 2 + 0.1 * (v - 19) ** 2 + 0.01 * Math.cos(3 * i));
    const w = Float64Array.from(range(n), (i) => 1 + (i % 3));
    const full = fitParabola(x, y, w, ones(n), range(n));
    for (let k = 0; k < n; k++) {
      const rest = range(n).filter((i) => i !== k);
      const f = fitParabola(x, y, w, ones(n), rest);
      const [c0, c1, c2] = f.coefficients;
      const predicted = c0 + c1 * x[k]! + c2 * x[k]! ** 2;
      expect(full.looResiduals[k]).toBeCloseTo(y[k]! - predicted, 10);
    }
  });

  test('copies (bootstrap multiplicities) weigh like repeated rows', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const y = Float64Array.from([5.1, 3.9, 3.2, 3.1, 3.8, 5.2]);
    const counts = Float64Array.from([2, 1, 1, 3, 1, 1]);
    const a = fitParabola(x, y, counts, counts, range(6));
    const rep = range(6).flatMap((i) => Array(counts[i]).fill(i) as number[]);
    const xr = Float64Array.from(rep, (i) => x[i]!);
    const yr = Float64Array.from(rep, (i) => y[i]!);
    const b = fitParabola(xr, yr, ones(rep.length), ones(rep.length), range(rep.length));
    expect(a.count).toBe(9);
    expect(a.points).toBe(6);
    expect(a.vertex).toBeCloseTo(b.vertex, 12);
    expect(a.vertexSe).toBeCloseTo(b.vertexSe, 12);
    expect(a.curvatureSe).toBeCloseTo(b.curvatureSe, 12);
  });

  test('fewer than 3 distinct points: not ok, no crash; exactly 3: no interval', () => {
    const x = Float64Array.from([1, 1, 2, 2]);
    const y = Float64Array.from([1, 1.1, 0.5, 0.6]);
    expect(fitParabola(x, y, ones(4), ones(4), range(4)).ok).toBe(false);
    const f = fitParabola(Float64Array.from([1, 2, 3]), Float64Array.from([2, 1, 2]), ones(3), ones(3), range(3));
    expect(f.ok).toBe(true);
    expect(f.vertex).toBeCloseTo(2, 12);
    expect(curvatureInterval(f, 0.95).every((v) => Number.isNaN(v))).toBe(true);
  });
});

describe('Student t', () => {
  // Two-sided critical values from standard tables (e.g. NIST/SEMATECH e-Handbook, Table 1.4.2.7.3).
  test.each([
    [1, 0.975, 12.706],
    [2, 0.975, 4.303],
    [3, 0.975, 3.182],
    [5, 0.995, 4.032],
    [10, 0.975, 2.228],
    [30, 0.95, 1.697],
    [100, 0.975, 1.984],
  ])('dof %i, p %f: %f', (dof, p, q) => {
    expect(studentTQuantile(p, dof)).toBeCloseTo(q, 3);
    expect(studentTQuantile(1 - p, dof)).toBeCloseTo(-q, 3);
    expect(studentTCdf(studentTQuantile(p, dof), dof)).toBeCloseTo(p, 12);
  });
  test('no degrees of freedom: NaN, not a throw', () => {
    expect(studentTQuantile(0.975, 0)).toBeNaN();
  });
});
