import { describe, expect, it } from 'vitest';
import check from '../../../checks/continuum.boot.js';
import { fix$, HOME, healthyFacts, PLUGINS, runOn, text$, verdict, withFacts } from '../../helpers/facts.js';

const PLIST_PATH = `${HOME}/Library/LaunchAgents/Tmux.Start.plist`;
/** what osx_enable.sh writes (its template), for the Terminal.app strategy */
const plist = (script: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>Tmux.Start.plist</string>
    <key>ProgramArguments</key>
    <array>
        <string>${script}</string>
    </array>
    <key>RunAtLoad</key>
    <true/>
</dict>
</plist>`;
const TERMINAL = `${PLUGINS}/tmux-continuum/scripts/handle_tmux_automatic_start/osx_terminal_start_tmux.sh`;

const boot = (
  content: string | null,
  launchctl: string[] | undefined,
  mutate: (f: ReturnType<typeof healthyFacts>) => void = () => {},
) =>
  withFacts((f) => {
    f.server!.options['@continuum-boot'] = 'on';
    f.launchAgents =
      content === null ? [] : [{ path: PLIST_PATH, exists: true, content, size: content.length, truncated: false }];
    f.launchctl = launchctl;
    mutate(f);
  });

describe('continuum.boot', () => {
  // oppi issue #38: over SSH with no desktop login, `launchctl print gui/501` exits 125 with this
  it('warns when the GUI login domain does not exist (no desktop login): the LaunchAgent would not run', async () => {
    const r = verdict(
      await runOn(
        check,
        boot(plist(TERMINAL), undefined, (f) => {
          f.launchctlFailure = 'Domain does not support specified action';
        }),
      ),
    );
    expect(r.status).toBe('warn');
    expect(r.summary).toMatch(/^no GUI login session for uid \d+ now: launchd runs Tmux.Start.plist only when/);
    expect(text$(r)).toContain('(launchctl print gui/');
    expect(text$(r)).toContain('Domain does not support specified action');
    expect(fix$(r)).toContain('Automatically log in as');
  });

  it('a launchctl failure of another kind is shown, not read as "no GUI login"', async () => {
    const r = verdict(
      await runOn(
        check,
        boot(plist(TERMINAL), undefined, (f) => {
          f.launchctlFailure = 'exit 3';
        }),
      ),
    );
    expect(r.status).toBe('pass');
    expect(text$(r)).toContain('not read (launchctl print gui/');
  });

  it('passes with the plist in place, pointing at the installed start script, loaded with status 0', async () => {
    const r = verdict(await runOn(check, boot(plist(TERMINAL), ['-\t0\tTmux.Start.plist'])));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      "Tmux.Start.plist starts osx_terminal_start_tmux.sh at login (continuum's terminal strategy)",
    );
  });

  it('fails when @continuum-boot is on but the plist is missing', async () => {
    const r = verdict(await runOn(check, boot(null, [])));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      '@continuum-boot is on, but ~/Library/LaunchAgents/Tmux.Start.plist does not exist: nothing starts tmux at login',
    );
    expect(r.fix).toEqual([
      'mkdir -p /Users/admin/Library/LaunchAgents',
      'tmux run-shell /Users/admin/.tmux/plugins/tmux-continuum/continuum.tmux   # continuum rewrites the plist when it loads',
    ]);
  });

  it('fails when the plist points to a start script outside the installed plugin', async () => {
    const r = verdict(
      await runOn(
        check,
        boot(
          plist(
            '/Users/admin/.tmux/plugins.old/tmux-continuum/scripts/handle_tmux_automatic_start/osx_terminal_start_tmux.sh',
          ),
          ['-\t0\tTmux.Start.plist'],
        ),
      ),
    );
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(
      'which is not a start script of the installed continuum (~/.tmux/plugins/tmux-continuum/scripts/handle_tmux_automatic_start)',
    );
  });

  it('warns when launchd reports the start script failed', async () => {
    const r = verdict(await runOn(check, boot(plist(TERMINAL), ['-\t1\tTmux.Start.plist'])));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('exited with status 1');
    expect(fix$(r)).toContain('Privacy & Security');
  });

  it("reads the GUI domain's services block (`launchctl print gui/UID`): loaded, and a failed last run", async () => {
    const ok = verdict(await runOn(check, boot(plist(TERMINAL), ['\t\t0      -        Tmux.Start.plist'])));
    expect(ok.status).toBe('pass');
    expect(text$(ok)).toContain('Tmux.Start.plist (not running, last exit -)');
    const failed = verdict(await runOn(check, boot(plist(TERMINAL), ['\t\t0      78       Tmux.Start.plist'])));
    expect(failed.status).toBe('warn');
    expect(failed.summary).toContain('exited with status 78');
  });

  it('is informational when the plist is not loaded yet', async () => {
    const r = verdict(await runOn(check, boot(plist(TERMINAL), [])));
    expect(r.status).toBe('info');
    expect(fix$(r)).toBe(`to load it now: launchctl load ${PLIST_PATH}`);
  });

  it('notes the strategy the options ask for', async () => {
    const f = boot(plist(TERMINAL), ['-\t0\tTmux.Start.plist'], (f) => {
      f.server!.options['@continuum-boot-options'] = 'iterm,fullscreen';
    });
    const r = verdict(await runOn(check, f));
    expect(text$(r)).toContain(
      'the plist starts osx_terminal_start_tmux.sh while the options ask for osx_iterm_start_tmux.sh',
    );
  });

  it('warns about a leftover plist with the option off, and skips otherwise', async () => {
    const left = boot(plist(TERMINAL), [], (f) => {
      delete f.server!.options['@continuum-boot'];
    });
    expect(verdict(await runOn(check, left)).status).toBe('warn');
    expect(verdict(await runOn(check, healthyFacts())).summary).toBe(
      '@continuum-boot is off: tmux is not started at login',
    );
  });

  it('does not apply off macOS', async () => {
    const f = withFacts((f) => {
      f.host.os = 'Linux';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('skip');
    expect(r.summary).toContain('macOS only');
  });
});
