// tsc copies no non-TS files; the target-side scripts ship next to the module that assembles them.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

mkdirSync('dist/src/remote', { recursive: true });
for (const f of readdirSync('src/remote'))
  if (f.endsWith('.sh')) copyFileSync(`src/remote/${f}`, `dist/src/remote/${f}`);
