import type { Status } from '../engine/check.js';
import type { Paint } from './color.js';

export const SYMBOL: Record<Status, string> = { pass: '✓', info: 'i', warn: '!', fail: '✗', skip: '-', error: '‼' };

export function symbol(status: Status, p: Paint): string {
  const s = SYMBOL[status];
  switch (status) {
    case 'pass':
      return p.green(s);
    case 'warn':
      return p.yellow(s);
    case 'fail':
    case 'error':
      return p.red(s);
    default:
      return p.dim(s);
  }
}
