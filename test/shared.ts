// ../shared sits beside the repo (here and in CI); CAL_DOCTOR_SHARED overrides it.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DIR = process.env.CAL_DOCTOR_SHARED ?? fileURLToPath(new URL('../../shared/', import.meta.url));
export const VENDOR_PLUGINS = join(SHARED_DIR, 'vendor', 'tmux-plugins');
export const RESURRECT_FIXTURES = join(SHARED_DIR, 'fixtures', 'resurrect');
