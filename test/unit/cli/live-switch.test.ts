// When the live ink UI may draw: only for a person at a terminal.
import { describe, expect, it } from 'vitest';
import { colorFor, wantsLive } from '../../../src/cli/run.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };
const a = (over: Partial<Parameters<typeof wantsLive>[0]> = {}) => ({
  format: 'table' as const,
  ci: false,
  redact: false,
  color: undefined,
  ...over,
});
const env = (over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ TERM: 'xterm-256color', ...over });

describe('live UI switch', () => {
  it('is on at a terminal', () => {
    expect(wantsLive(a(), tty, env())).toBe(true);
  });

  it('is off when piped, in CI, with NO_COLOR, --no-color, --ci, TERM=dumb, another format, or --redact', () => {
    expect(wantsLive(a(), pipe, env())).toBe(false);
    expect(wantsLive(a(), tty, env({ CI: 'true' }))).toBe(false);
    expect(wantsLive(a(), tty, env({ NO_COLOR: '1' }))).toBe(false);
    expect(wantsLive(a({ color: false }), tty, env())).toBe(false);
    expect(wantsLive(a({ ci: true }), tty, env())).toBe(false);
    expect(wantsLive(a(), tty, env({ TERM: 'dumb' }))).toBe(false);
    expect(wantsLive(a({ format: 'json' }), tty, env())).toBe(false);
    expect(wantsLive(a({ format: 'markdown' }), tty, env())).toBe(false);
    expect(wantsLive(a({ redact: true }), tty, env())).toBe(false);
  });

  it('stays off for a pipe even when colour is forced', () => {
    expect(wantsLive(a({ color: true }), pipe, env({ FORCE_COLOR: '1' }))).toBe(false);
  });
});

describe('colour for the plain table', () => {
  it('follows the terminal, and is off in CI unless --color forces it', () => {
    expect(colorFor({ ci: false }, tty, env())).toBe(true);
    expect(colorFor({ ci: false }, pipe, env())).toBe(false);
    expect(colorFor({ ci: false }, tty, env({ CI: 'true' }))).toBe(false);
    expect(colorFor({ ci: true }, tty, env())).toBe(false);
    expect(colorFor({ ci: false }, tty, env({ CI: 'true', FORCE_COLOR: '1' }))).toBe(false);
    expect(colorFor({ ci: true, color: true }, pipe, env())).toBe(true);
  });

  it('is off with NO_COLOR or --no-color whatever else is set', () => {
    expect(colorFor({ ci: false }, tty, env({ NO_COLOR: '1', FORCE_COLOR: '1' }))).toBe(false);
    expect(colorFor({ ci: false, color: false }, tty, env({ FORCE_COLOR: '1' }))).toBe(false);
  });
});
