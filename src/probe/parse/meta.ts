// @@meta: the probe's version and timeout, the host, its environment, the login shell, tmux binaries.

import type { Facts, TmuxBinary } from '../facts.js';
import { firstLine, KILLED, toInt } from './values.js';

/** Version of the probe script this parser understands (CAL_PROBE_VERSION in src/remote/probe.sh). */
export const PROBE_VERSION = '1.1.0';

export function buildMeta(meta: Map<string, string>, facts: Facts, warn: (w: string) => void): void {
  facts.probe.version = meta.get('probe.version') ?? '';
  if (facts.probe.version && facts.probe.version !== PROBE_VERSION) {
    warn(`probe script version ${facts.probe.version} differs from the parser's ${PROBE_VERSION}`);
  }
  const h = facts.host;
  h.user = meta.get('host.user') ?? '';
  h.uid = toInt(meta.get('host.uid')) ?? -1;
  h.home = meta.get('host.home') ?? '';
  h.shell = meta.get('host.shell') ?? '';
  h.hostname = meta.get('host.hostname') ?? '';
  h.os = meta.get('host.os') ?? '';
  h.osVersion = meta.get('host.osversion') ?? '';
  h.now = toInt(meta.get('host.now')) ?? 0;
  h.tzOffset = meta.get('host.tz') ?? '';
  if (meta.size > 0) {
    if (h.uid < 0) warn('could not tell the target user id');
    if (h.home === '') warn('HOME is not set on the target');
  }

  facts.env.path = meta.get('env.path') ?? '';
  const opt: Array<[keyof Facts['env'], string]> = [
    ['tmux', 'env.tmux'],
    ['tmuxPane', 'env.tmux_pane'],
    ['tmuxTmpdir', 'env.tmux_tmpdir'],
    ['xdgDataHome', 'env.xdg_data_home'],
    ['xdgConfigHome', 'env.xdg_config_home'],
  ];
  for (const [field, key] of opt) {
    const v = meta.get(key);
    if (v !== undefined) facts.env[field] = v;
  }
  const execTmux = meta.get('exec.tmux');
  if (execTmux) facts.execTmux = execTmux;

  const login = facts.login;
  const shell = meta.get('login.shell') ?? '';
  if (meta.get('login.ran') === '1') {
    const rc = toInt(meta.get('login.rc'));
    login.timedOut = meta.get('login.timedout') === '1' || rc === KILLED;
    if (meta.get('login.markers') === '1') {
      login.ok = true;
      login.path = meta.get('login.path') ?? '';
      const lt = meta.get('login.tmux') ?? '';
      if (lt !== '') login.tmux = lt;
    }
    if (login.timedOut) {
      login.ok = false;
      const t = toInt(meta.get('probe.logintimeout')) ?? toInt(meta.get('probe.timeout'));
      login.error = `\`${shell} -l\` did not finish within ${t ?? '?'}s (a login file that hangs?)`;
      warn(`login shell timed out: ${login.error}`);
    } else if (!login.ok) {
      const msg = firstLine(meta.get('login.out'));
      login.error = msg !== '' ? msg : `\`${shell} -l -c\` exited with status ${rc ?? '?'} and printed nothing useful`;
      warn(`login shell check failed: ${login.error}`);
    }
  } else if (meta.size > 0) {
    login.error = shell === '' ? 'SHELL is not set' : `SHELL ${shell} is not an executable file`;
    warn(`login shell not run: ${login.error}`);
  }

  const bins: TmuxBinary[] = [];
  for (let i = 0; meta.has(`bin.${i}.path`); i++) {
    const rc = toInt(meta.get(`bin.${i}.rc`));
    const outText = meta.get(`bin.${i}.out`) ?? '';
    const foundBy = (meta.get(`bin.${i}.foundby`) ?? '')
      .split(/\s+/)
      .filter((f): f is TmuxBinary['foundBy'][number] => f === 'exec' || f === 'login' || f === 'known-location');
    const path = meta.get(`bin.${i}.path`)!;
    const version = rc === 0 ? firstLine(outText) || null : null;
    if (rc === KILLED || meta.get(`bin.${i}.timedout`) === '1') warn(`\`${path} -V\` timed out`);
    else if (rc !== 0) warn(`\`${path} -V\` failed: ${firstLine(outText) || `exit ${rc ?? '?'}`}`);
    bins.push({ path, version, foundBy });
  }
  facts.tmuxBinaries = bins;
  facts.noAutoRestore = meta.get('misc.noautorestore') === '1';
}
