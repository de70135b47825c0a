/**
 * Whether to colour, decided once per stream. Precedence: `--no-color` flag, then FORCE_COLOR (Node's own rule:
 * FORCE_COLOR wins over NO_COLOR), then NO_COLOR, then whether the stream is a terminal (and TERM is not "dumb").
 */
export type ColorLevel = 0 | 1 | 2 | 3;

export interface ColorInputs {
  /** false when --no-color was given */
  flag: boolean;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

export function resolveColorLevel({ flag, env, isTTY }: ColorInputs): ColorLevel {
  if (!flag) return 0;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) {
    if (force === '' || force === 'true' || force === '1') return 1;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 0;
  }
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return 0;
  if (!isTTY || env['TERM'] === 'dumb') return 0;
  return 2;
}
