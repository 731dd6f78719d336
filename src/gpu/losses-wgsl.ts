/**
 * The robust losses in WGSL, generated from the one loss table (src/fit/losses.ts): `point_loss`
 * switches on the table's codes, and `loss_known` lets the kernels trap a code the table does
 * not have (status unknown-loss, set before any iteration) instead of running it as some other
 * loss. Each body returns vec2(c, cost): the IRLS weight c = w rho'(z) and the point's cost
 * w/2 delta^2 rho(z), z = (r/delta)^2, in the scipy convention losses.ts derives. The record is
 * keyed by LossKind, so a loss added to the table without a GPU body does not compile.
 */
import { LOSSES, type LossKind } from '../fit/losses.js';

/** WGSL statements over r (residual), w (weight) and d (delta) returning vec2<f32>(c, cost). */
const WGSL_BODY: Record<LossKind, string> = {
  linear: 'return vec2<f32>(w, 0.5f * w * r * r);',
  huber: ['let a = abs(r);', 'if (a <= d) { return vec2<f32>(w, 0.5f * w * r * r); }', 'return vec2<f32>(w * d / a, w * d * (a - 0.5f * d));'].join('\n'),
  soft_l1: ['let z = r * r / (d * d);', 'let s = sqrt(1.0f + z);', 'return vec2<f32>(w / s, w * d * d * (s - 1.0f));'].join('\n'),
  cauchy: ['let z = r * r / (d * d);', 'return vec2<f32>(w / (1.0f + z), 0.5f * w * d * d * lf_log1p(z));'].join('\n'),
  arctan: ['let z = r * r / (d * d);', 'return vec2<f32>(w / (1.0f + z * z), 0.5f * w * d * d * atan(z));'].join('\n'),
};

/** The code the host sends for a loss the table does not have: never a table code, so the kernels trap it. */
export const UNKNOWN_LOSS_CODE = 0xffffffff;

/** The loss code the kernels switch on (the table's), or UNKNOWN_LOSS_CODE. */
export function gpuLossCode(kind: string): number {
  return LOSSES.find((l) => l.kind === kind)?.code ?? UNKNOWN_LOSS_CODE;
}

export function lossesWgsl(): string {
  const indent = (text: string, pad: string): string => text.split('\n').map((l) => pad + l).join('\n');
  const cases = LOSSES.map((l) => [`    case ${l.code}u: { // ${l.kind}: ${l.summary}`, indent(WGSL_BODY[l.kind], '      '), '    }'].join('\n'));
  return [
    '// Generated from the loss table (src/fit/losses.ts) by src/gpu/losses-wgsl.ts.',
    'fn loss_known(code: u32) -> bool {',
    '  switch code {',
    `    case ${LOSSES.map((l) => `${l.code}u`).join(', ')}: { return true; }`,
    '    default: { return false; }',
    '  }',
    '}',
    '',
    '// IRLS weight c = w rho\'(z) and the point\'s cost w/2 delta^2 rho(z); prm.loss is a known code',
    '// (init_problem traps any other before a problem runs).',
    'fn point_loss(r: f32, w: f32) -> vec2<f32> {',
    '  let d = prm.delta;',
    '  switch prm.loss {',
    ...cases,
    '    default: { return vec2<f32>(0.0f, 0.0f); }',
    '  }',
    '}',
  ].join('\n');
}
