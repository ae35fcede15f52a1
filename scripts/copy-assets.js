// tsc copies no non-TS files; the probe script ships next to its compiled runner.
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('dist/src/probe', { recursive: true });
copyFileSync('src/probe/probe.sh', 'dist/src/probe/probe.sh');
