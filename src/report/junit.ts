// `--format junit`: one <testsuite> per target, one <testcase> per check (classname = the
// check's category). Failures carry the summary as message and the evidence and fix as
// body; a crashed check is an <error>, a skipped one <skipped/>; a warning passes (its
// summary in <system-out>) unless --strict makes it a failure. A target the doctor could
// not reach is a suite with one errored `connect` case saying why. Written with
// junit-report-builder, loaded only for this format.

import type { Builder, TestSuite } from 'junit-report-builder';
import junit from 'junit-report-builder';
import type { Report } from '../engine/report.js';
import type { CheckOutcome } from '../engine/run.js';
import { causeOrder, errorLines, heading } from './view.js';

export interface JunitOptions {
  verbose?: boolean;
  strict?: boolean;
}

/**
 * Text for a CDATA body. The builder drops characters XML 1.0 cannot hold and splits only
 * the first `]]>`: break up every one so hostile evidence cannot end the section.
 */
function xmlText(s: string): string {
  return s.replace(/]]>/g, ']] >');
}

function body(c: CheckOutcome): string {
  const lines = [c.summary, ...c.details, ...(c.fix.length ? ['', 'fix:', ...c.fix.map((f) => `  ${f}`)] : [])];
  return xmlText(lines.join('\n'));
}

function addCheck(suite: TestSuite, c: CheckOutcome, opts: JunitOptions): void {
  const tc = suite
    .testCase()
    .className(c.category)
    .name(c.id)
    .time(c.durationMs / 1000);
  const summary = c.summary;
  switch (c.status) {
    case 'fail':
      tc.failure(summary, 'fail');
      tc.stacktrace(body(c));
      break;
    case 'error':
      tc.error(summary, 'error', body(c));
      break;
    case 'warn':
      if (opts.strict) {
        tc.failure(summary, 'warn');
        tc.stacktrace(body(c));
      } else tc.standardOutput(`warning: ${body(c)}`);
      break;
    case 'skip':
      tc.skipped();
      tc.standardOutput(xmlText(summary));
      break;
    default:
      tc.standardOutput(xmlText(opts.verbose ? [c.summary, ...c.details].join('\n') : summary));
  }
}

function addSuite(builder: Builder, r: Report, opts: JunitOptions): void {
  const suite = builder
    .testSuite()
    .name(heading(r))
    .timestamp(new Date(r.startedAt))
    .time(r.durationMs / 1000);
  suite
    .property('cal-doctor.version', r.version)
    .property('target.kind', r.target.kind)
    .property('target.label', r.target.label);
  if (r.target.os) suite.property('target.os', r.target.os);
  if (r.error) {
    const [message = 'cannot run', ...rest] = errorLines(r);
    suite
      .testCase()
      .className('cal-doctor')
      .name('connect')
      .error(message, 'could-not-run', xmlText([message, ...rest].join('\n')));
    return;
  }
  for (const c of causeOrder(r)) addCheck(suite, c, opts);
}

/** junit-report-builder's module.exports is the builder itself (its d.ts calls it the default). */
function newBuilder(): Builder {
  const root = junit as unknown as Builder & { default?: Builder };
  return (root.default ?? root).newBuilder();
}

export function renderJunit(reports: Report[], opts: JunitOptions = {}): string {
  const builder = newBuilder().name('cal-doctor');
  for (const r of reports) addSuite(builder, r, opts);
  return `${builder.build()}\n`;
}
