import { samePath, tilde } from '../src/domain/util.js';
import type { Facts } from '../src/engine/check.js';
import { defineCheck } from '../src/engine/check.js';

function answering(f: Facts): string[] {
  const out = f.sockets.filter((s) => s.answers && !s.timedOut).map((s) => s.path);
  if (f.server?.answers && !f.server.timedOut) out.push(f.server.socket);
  return out;
}

export default defineCheck({
  id: 'tmux.env',
  category: 'tmux',
  title: '$TMUX in a plain shell is unset or points at a live server',
  explain:
    'Reads `$TMUX` in the non-login shell the doctor runs in (what `ssh vm cmd` gets). Its first comma field is the ' +
    'socket every `tmux` command in that shell talks to, so save.sh run from there reaches that server. Unset is ' +
    'normal outside tmux (tmux then uses the default socket). A `$TMUX` whose socket no longer answers is stale — left ' +
    'from an old server or exported by a dotfile — and a save run there reaches no server or another one, which writes ' +
    'an empty or state-only `last`. Fix: remove the `TMUX=` line from the dotfile, or `unset TMUX`.',
  run(ctx) {
    const f = ctx.facts;
    const raw = f.env.tmux;
    const extra = [
      ...(f.env.tmuxPane ? [`$TMUX_PANE: ${f.env.tmuxPane}`] : []),
      ...(f.env.tmuxTmpdir ? [`$TMUX_TMPDIR: ${f.env.tmuxTmpdir} (tmux looks for sockets there, not in /tmp)`] : []),
    ];
    if (!raw) {
      return {
        status: 'info',
        summary: '$TMUX is unset in a plain shell (normal outside tmux: tmux uses the default socket)',
        details: extra,
      };
    }
    const [socket = '', pid = '', session = ''] = raw.split(',');
    const live = answering(f);
    const details = [
      `$TMUX: ${raw}`,
      `socket: ${socket}, server pid: ${pid || '?'}, session index: ${session || '?'}`,
      `answering sockets: ${live.length ? live.join(', ') : 'none'}`,
      ...extra,
    ];
    if (live.some((p) => samePath(p, socket))) {
      if (f.server && samePath(f.server.socket, socket) && f.server.pid && pid && String(f.server.pid) !== pid) {
        details.push(`note: the server on that socket now has pid ${f.server.pid}; $TMUX was set by an earlier server`);
      }
      return { status: 'pass', summary: `$TMUX points at a live server (${socket})`, details };
    }
    const setters = f.dotfiles
      .filter((d) => d.exists)
      .flatMap((d) =>
        d.content
          .split('\n')
          .map((l, i) => ({ l, i }))
          .filter(({ l }) => /(^|[\s;])(export\s+)?TMUX=/.test(l) && !/^\s*#/.test(l))
          .map(({ l, i }) => ({ where: `${tilde(d.path, f.host.home)}:${i + 1}`, line: l.trim() })),
      );
    for (const s of setters) details.push(`set at ${s.where}: ${s.line}`);
    return {
      status: 'fail',
      summary: `stale $TMUX: its socket ${socket} does not answer, so tmux commands (and save.sh) run from this shell reach no server`,
      details,
      fix: [
        ...(setters.length
          ? setters.map((s) => `remove the line at ${s.where} (${s.line})`)
          : [
              'find what sets it: grep -n "TMUX=" ~/.zshenv ~/.zshrc ~/.zprofile ~/.profile ~/.bashrc; also check sshd SetEnv/AcceptEnv',
            ]),
        'in the current shell: unset TMUX',
      ],
    };
  },
});
