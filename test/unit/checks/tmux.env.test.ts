import { describe, expect, it } from 'vitest';
import check from '../../../checks/tmux.env.js';
import { fix$, healthyFacts, runOn, verdict, withFacts } from '../../helpers/facts.js';

describe('tmux.env', () => {
  it('is info when $TMUX is unset in a plain exec (the normal case)', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('info');
    expect(r.summary).toContain('$TMUX is unset');
  });

  it('passes when $TMUX points at the answering server', async () => {
    const f = withFacts((f) => {
      f.env.tmux = '/private/tmp/tmux-501/default,812,0';
      f.env.tmuxPane = '%3';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('$TMUX points at a live server (/private/tmp/tmux-501/default)');
    expect(r.details).toContain('$TMUX_PANE: %3');
  });

  it('treats /tmp/… in $TMUX as the /private/tmp/… socket (macOS)', async () => {
    const f = withFacts((f) => {
      f.env.tmux = '/tmp/tmux-501/default,812,0';
    });
    expect(verdict(await runOn(check, f)).status).toBe('pass');
  });

  it('fails on a stale $TMUX and names the dotfile line that sets it', async () => {
    const f = withFacts((f) => {
      f.env.tmux = '/private/tmp/tmux-501/old,4242,0';
      f.dotfiles[0]!.content += 'export TMUX=/private/tmp/tmux-501/old,4242,0\nexport TMUX_TMPDIR=/tmp\n';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('stale $TMUX');
    expect(r.summary).toContain('/private/tmp/tmux-501/old');
    expect(r.details).toContain('set at ~/.zshenv:2: export TMUX=/private/tmp/tmux-501/old,4242,0');
    expect(r.details!.some((d) => d.includes('TMUX_TMPDIR=/tmp'))).toBe(false);
    expect(fix$(r)).toContain('remove the line at ~/.zshenv:2');
    expect(fix$(r)).toContain('unset TMUX');
  });

  it('fails on a stale $TMUX when no server answers at all', async () => {
    const f = withFacts((f) => {
      f.env.tmux = '/private/tmp/tmux-501/default,812,0';
      f.server = null;
      f.sockets = [];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.details).toContain('answering sockets: none');
    expect(fix$(r)).toContain('grep -n "TMUX="');
  });
});
