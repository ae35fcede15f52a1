import { describe, expect, it } from 'vitest';
import check from '../../../checks/continuum.restore-window.js';
import { fix$, healthyFacts, NOW, runOn, text$, verdict, withFacts } from '../../helpers/facts.js';

/** a server started `age` s ago whose continuum set its first timestamp `delay` s after start */
const started = (age: number, delay: number, mutate: (f: ReturnType<typeof healthyFacts>) => void = () => {}) =>
  withFacts((f) => {
    f.server!.startTime = NOW - age;
    f.server!.options['@continuum-save-last-timestamp'] = String(NOW - age + delay);
    mutate(f);
  });

describe('continuum.restore-window', () => {
  it('passes when continuum loaded within the 10-s default window', async () => {
    const r = verdict(await runOn(check, started(120, 1)));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'continuum loaded 1 s after the server started, within @continuum-restore-max-delay (10 s): it started the auto-restore',
    );
    expect(r.details).toContain('@continuum-restore-max-delay not set, default 10');
  });

  it('fails when continuum loaded after the window, with the option to raise and the restore to run', async () => {
    const r = verdict(await runOn(check, started(300, 25)));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      'continuum loaded 25 s after the server started, past @continuum-restore-max-delay (10 s): auto-restore was skipped',
    );
    expect(text$(r)).toContain(`@continuum-save-last-timestamp: ${NOW - 275}`);
    expect(text$(r)).toContain('TPM run line: ~/.tmux.conf:12');
    expect(fix$(r)).toContain(
      "set -g @continuum-restore-max-delay '50'   # in the config above ~/.tmux.conf:12 (the TPM run line)",
    );
    expect(fix$(r)).toContain('tmux run-shell /Users/admin/.tmux/plugins/tmux-resurrect/scripts/restore.sh');
  });

  it('fails at exactly the limit (continuum tests start_time > now - max)', async () => {
    expect(verdict(await runOn(check, started(300, 10))).status).toBe('fail');
  });

  it('honours a raised @continuum-restore-max-delay', async () => {
    const f = started(300, 25, (f) => {
      f.server!.options['@continuum-restore-max-delay'] = '30';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.details).toContain('@continuum-restore-max-delay = 30 (running server)');
  });

  it('says it cannot tell once an auto-save replaced the load timestamp', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('info');
    expect(r.summary).toBe(
      'cannot tell whether continuum loaded within its 10-s restore window: auto-saves have replaced the timestamp it set at load',
    );
  });

  it('still judges with auto-save off (interval 0): the load timestamp is never replaced', async () => {
    const f = started(5 * 3600, 20, (f) => {
      f.server!.options['@continuum-save-interval'] = '0';
    });
    expect(verdict(await runOn(check, f)).status).toBe('fail');
  });

  it('skips with auto-restore off and when continuum never set its timestamp', async () => {
    const off = started(120, 1, (f) => {
      delete f.server!.options['@continuum-restore'];
    });
    expect(verdict(await runOn(check, off)).summary).toContain('auto-restore is off (@continuum-restore = unset)');
    const never = withFacts((f) => {
      delete f.server!.options['@continuum-save-last-timestamp'];
    });
    const r = verdict(await runOn(check, never));
    expect(r.status).toBe('skip');
    expect(r.summary).toContain('see continuum.server-count');
  });
});
