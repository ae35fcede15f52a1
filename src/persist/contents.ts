// The text of each pane in resurrect's `pane_contents.tar.gz` (entries
// `./pane_contents/pane-<session>:<window>.<pane>`; see src/resurrect/archive.ts for the format).
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';

const PANE_FILE = /^(?:\.\/)?pane_contents\/pane-(.+:\d+\.\d+)$/;

/** `session:window.pane` → the captured text. Never throws: a damaged archive gives what could be read. */
export async function paneContents(data: Buffer): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let tar: Buffer;
  try {
    tar = gunzipSync(data);
  } catch {
    return out;
  }
  await new Promise<void>((resolve) => {
    const ex = extract();
    let settled = false;
    const done = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    ex.on('entry', (header, stream, next) => {
      const m = PANE_FILE.exec(header.name);
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        if (m) chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        if (m) out.set(m[1]!, Buffer.concat(chunks).toString('utf8'));
        next();
      });
      stream.on('error', done);
    });
    ex.on('finish', done);
    ex.on('close', done);
    ex.on('error', done);
    ex.end(tar);
  });
  return out;
}

/** A line that is exactly `token` (what `echo token` printed), not the typed command line. */
export function hasLine(text: string, token: string): boolean {
  return text.split(/\r?\n/).some((l) => l.trimEnd() === token);
}
