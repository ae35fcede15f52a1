import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Real tmux-resurrect save files and a pane-contents archive (see its README). */
export const RESURRECT_FIXTURES = fileURLToPath(new URL('../fixtures/resurrect/', import.meta.url));

/** A real macOS output in test/fixtures/macos/: the file without its `#` header and the blank line after it. */
export function macosFixture(name: string): string {
  const text = readFileSync(new URL(`../fixtures/macos/${name}`, import.meta.url), 'utf8');
  return text.replace(/^(#[^\n]*\n)+\n/, '');
}
