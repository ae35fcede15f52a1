import { continuumHooked } from '../src/domain/continuum.js';
import { saveScript } from '../src/domain/saves.js';
import { liveServer, noServerReason, plural, primaryTmux, shq } from '../src/domain/util.js';
import { defineCheck } from '../src/engine/check.js';

export default defineCheck({
  id: 'tmux.control-mode',
  category: 'tmux',
  title: 'an attached client draws the status line (not only iTerm2 -CC clients)',
  explain:
    "A control-mode client (iTerm2's tmux integration, `tmux -CC`) shows tmux windows as native tabs and draws no tmux " +
    "status line, so continuum's `#(continuum_save.sh)` in status-right is never run for it: when every attached " +
    'client is in control mode nothing auto-saves (tmux-continuum #40). Reads `#{client_control_mode}` of the attached ' +
    'clients. Fix: keep one normal client attached (a plain `tmux attach` in any terminal), or save on a timer with ' +
    'cron/launchd, and save by hand before stopping the VM.',
  run(ctx) {
    const f = ctx.facts;
    const server = liveServer(f);
    if (!server) return { status: 'skip', summary: noServerReason(f) };
    const clients = server.clients;
    if (clients.length === 0)
      return { status: 'skip', summary: 'no client attached (see plugins.continuum: no status line is drawn at all)' };
    const cm = clients.filter((c) => c.controlMode);
    const details = [
      ...clients.map(
        (c) =>
          `client pid ${c.pid} on ${c.tty || '?'} (session ${c.session || '?'}): ${c.controlMode ? 'control mode' : 'normal'}`,
      ),
      `status-right ${continuumHooked(server) ? 'has' : 'lacks'} continuum's hook`,
    ];
    if (cm.length === 0) {
      return {
        status: 'pass',
        summary: `${plural(clients.length, 'attached client')}, none in control mode: the status line is drawn`,
        details,
      };
    }
    if (cm.length < clients.length) {
      return {
        status: 'info',
        summary: `${cm.length} of ${plural(clients.length, 'client')} in control mode; the other ${clients.length - cm.length} ${clients.length - cm.length === 1 ? 'draws' : 'draw'} the status line, so auto-save runs while they stay attached`,
        details,
      };
    }
    const tmux = primaryTmux(f) || 'tmux';
    return {
      status: 'fail',
      summary: `every attached client is in control mode (iTerm2 tmux -CC): no tmux status line is drawn, so continuum never auto-saves`,
      details,
      fix: [
        'keep one normal client attached as well: a plain `tmux attach` in any terminal window',
        `or save on a timer without a status line: crontab -e, then: */15 * * * * ${shq(tmux)} run-shell ${shq(`${saveScript(f)} quiet`)}`,
        `and save by hand before stopping the VM: ${shq(tmux)} run-shell ${shq(saveScript(f))}`,
      ],
    };
  },
});
