// The whole suite, as `npm test` runs it: the unit tests, then every integration and
// reliability file against real tmux, sshd and plugins.
//
//   tsx scripts/test.ts [--macos] [--json DIR]     the suite (--macos: the files that reach a
//                                                  target, against the macOS-like target)
//   tsx scripts/test.ts --summary DIR…             one `N passed, N failed, N skipped` line over
//                                                  the reports in those dirs
//   tsx scripts/test.ts FILE…|vitest flags         one plain `vitest run` with those arguments
//
// Files that start tmux must not see each other's tmux processes (continuum counts every tmux
// process of the user). As root, with unshare, each file runs in a PID namespace of its own and
// CAL_DOCTOR_TEST_LANES (default 2) run at once, longest first; otherwise they all run one after
// another in one vitest process. --json DIR: each vitest run writes its JSON report there.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VITEST = join(ROOT, 'node_modules', '.bin', 'vitest');
/** Reads parsers and checks only, no target: the first pass covers it. */
const NO_TARGET = new Set(['test/reliability/fuzz.test.ts']);

/** The report of a run that died before writing one: one failure. */
const FAILED_RUN = JSON.stringify({
  numPassedTests: 0,
  numFailedTests: 1,
  numPendingTests: 0,
  numTodoTests: 0,
  testResults: [],
});

const reportFile = (dir: string, name: string) => join(dir, `${name.replace(/\//g, '_')}.json`);

interface Job {
  name: string;
  args: string[];
}

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((n) => /\.test\.tsx?$/.test(n))
    .map((n) => `${dir}/${n}`);
}

function canIsolate(): boolean {
  return process.getuid?.() === 0 && spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
}

/** Runs one job; resolves with its exit code, its output kept to show when it failed. */
function runJob(job: Job, isolate: boolean, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const [cmd, args] = isolate
    ? ['unshare', ['--pid', '--fork', '--mount-proc', VITEST, 'run', ...job.args]]
    : [VITEST, ['run', ...job.args]];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

/** The environment of a run: --macos switches every file to the macOS-like target. */
function testEnv(macos: boolean): NodeJS.ProcessEnv {
  return { ...process.env, ...(macos ? { CAL_DOCTOR_TARGET: 'macos' } : {}) };
}

async function suite(macos: boolean, jsonDir: string | undefined): Promise<number> {
  const env = testEnv(macos);
  const targetFiles = [...files('test/integration'), ...files('test/reliability')]
    .filter((f) => !(macos && NO_TARGET.has(f)))
    .sort((a, b) => statSync(join(ROOT, b)).size - statSync(join(ROOT, a)).size);
  const report = (name: string) =>
    jsonDir
      ? ['--reporter=dot', '--reporter=json', `--outputFile.json=${reportFile(jsonDir, name)}`]
      : ['--reporter=dot'];
  if (jsonDir) mkdirSync(jsonDir, { recursive: true });

  if (!canIsolate()) {
    // one process, one file at a time: the vitest config runs files sequentially
    const all = macos ? targetFiles : ['test/unit', ...targetFiles];
    const r = spawnSync(VITEST, ['run', ...all, ...(jsonDir ? report('all') : [])], {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    });
    if (jsonDir && !existsSync(reportFile(jsonDir, 'all'))) writeFileSync(reportFile(jsonDir, 'all'), FAILED_RUN);
    return r.status ?? 1;
  }
  const jobs: Job[] = [
    ...(macos ? [] : [{ name: 'test/unit', args: ['test/unit', ...report('test/unit')] }]),
    ...targetFiles.map((f) => ({ name: f, args: [f, ...report(f)] })),
  ];
  const lanes = Math.max(1, Number(process.env.CAL_DOCTOR_TEST_LANES) || 2);
  const label = macos ? 'macOS-like' : 'linux';
  let failed = 0;
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const t0 = Date.now();
      const r = await runJob(job, true, env);
      if (jsonDir && !existsSync(reportFile(jsonDir, job.name)))
        writeFileSync(reportFile(jsonDir, job.name), FAILED_RUN);
      console.log(`${label}: ${job.name} ${r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`} ${Date.now() - t0} ms`);
      if (r.code !== 0) {
        failed++;
        console.log(r.output);
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return failed ? 1 : 0;
}

const argv = process.argv.slice(2);
if (argv[0] === '--summary') {
  process.exitCode = summarise(argv.slice(1));
} else {
  const macos = argv.includes('--macos');
  const jsonAt = argv.indexOf('--json');
  const jsonDir = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;
  const rest = argv.filter((a, i) => a !== '--macos' && (jsonAt < 0 || (i !== jsonAt && i !== jsonAt + 1)));
  process.exitCode =
    rest.length > 0
      ? (spawnSync(VITEST, ['run', ...rest], {
          cwd: ROOT,
          stdio: 'inherit',
          env: testEnv(macos),
        }).status ?? 1)
      : await suite(macos, jsonDir);
}

/** Prints `N passed, N failed, N skipped` over every report in the dirs; 1 when any failed. */
function summarise(dirs: string[]): number {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const dir of dirs) {
    const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')) : [];
    if (names.length === 0) failed++; // a pass that wrote nothing did not run
    for (const name of names) {
      const r = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      // a file that failed outside its tests (a hook, an import) counts as one failure
      const outside = r.testResults.filter(
        (f: { status: string; assertionResults: Array<{ status: string }> }) =>
          f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
      ).length;
      passed += r.numPassedTests;
      failed += r.numFailedTests + outside;
      skipped += r.numPendingTests + r.numTodoTests;
    }
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed > 0 ? 1 : 0;
}
