import { describe, expect, it } from 'vitest';
import { asInvoked, invocationName } from '../../src/ui/invocation.js';

describe('how the person ran adot', () => {
  it('npx (npm exec) → npx adot', () => {
    expect(invocationName({ env: { npm_command: 'exec' }, script: '/repo/bin/adot.js', cwd: '/repo' })).toBe(
      'npx adot',
    );
  });

  it('an installed bin, a link named adot → adot; inside npm run scripts too', () => {
    expect(invocationName({ env: {}, script: '/usr/local/bin/adot', cwd: '/home/me' })).toBe('adot');
    expect(
      invocationName({ env: { npm_command: 'run-script' }, script: '/repo/node_modules/.bin/adot', cwd: '/repo' }),
    ).toBe('adot');
  });

  it('the script run with node → node and its path as typed from here, quoted when the shell needs it', () => {
    expect(invocationName({ env: {}, script: '/repo/bin/adot.js', cwd: '/repo' })).toBe('node bin/adot.js');
    expect(invocationName({ env: {}, script: '/my repo/bin/adot.js', cwd: '/my repo' })).toBe('node bin/adot.js');
    expect(invocationName({ env: {}, script: '/my repo/bin/adot.js', cwd: '/elsewhere' })).toBe(
      'node "/my repo/bin/adot.js"',
    );
  });

  it('rewrites commands, not the word in prose', () => {
    const text =
      "hint: adot install --cluster demo; run `adot doctor`; adot's collector; adot-managed; not adot itself";
    expect(asInvoked(text, 'npx adot')).toBe(
      "hint: npx adot install --cluster demo; run `npx adot doctor`; adot's collector; adot-managed; not adot itself",
    );
    expect(asInvoked(text, 'adot')).toBe(text);
  });
});
