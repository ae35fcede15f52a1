import { fileURLToPath } from 'node:url';

/** Real tmux-resurrect save files and a pane-contents archive (see its README). */
export const RESURRECT_FIXTURES = fileURLToPath(new URL('../fixtures/resurrect/', import.meta.url));
