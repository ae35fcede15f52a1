import { describe, expect, it } from 'vitest';
import { hookedSets } from '../../src/domain/config/hooks.js';
import { lex } from '../../src/domain/config/lex.js';
import { readConfig } from '../../src/domain/config/read.js';
import { loadedVia, pluginPlace, tpmDecls, tpmPlace, tpmPluginPath } from '../../src/domain/config/tpm.js';
import { configLines, setLines } from '../../src/domain/config.js';
import type { Facts, TextFile } from '../../src/probe/facts.js';
import { HOME, healthyFacts, withFacts } from '../helpers/facts.js';

const file = (path: string, content: string): TextFile => ({
  path,
  exists: true,
  content,
  size: content.length,
  truncated: false,
});

/** The healthy snapshot with ~/.tmux.conf replaced and extra sourced files the probe read. */
function withConfig(conf: string, sourced: Record<string, string> = {}, mutate?: (f: Facts) => void): Facts {
  return withFacts((f) => {
    const c = f.configs.find((x) => x.path === `${HOME}/.tmux.conf`)!;
    c.content = conf;
    c.size = conf.length;
    f.configTree = {
      files: Object.entries(sourced).map(([p, t]) => file(p, t)),
      globs: {},
      formats: {},
      pluginDirs: [],
    };
    mutate?.(f);
  });
}

describe('lex: a config split as tmux splits it', () => {
  const words = (src: string) =>
    lex(src, (n) => ({ HOME, X: 'ex' })[n], HOME).stmts.map((s) =>
      s.kind === 'cmd' ? s.words.map((w) => w.text) : s.kind,
    );

  it('joins continuations, keeps quotes whole, drops comments, splits on ;', () => {
    expect(words('set -g @a \'one two\' # comment\nset \\\n  -g @b "x y" ; set -g @c 3\n')).toEqual([
      ['set', '-g', '@a', 'one two'],
      ['set', '-g', '@b', 'x y'],
      ['set', '-g', '@c', '3'],
    ]);
  });

  it('expands ~ and $VAR outside single quotes only', () => {
    expect(words('source ~/a.conf\nsource "$X/b"\nsource \'$X/c\'')).toEqual([
      ['source', `${HOME}/a.conf`],
      ['source', 'ex/b'],
      ['source', '$X/c'],
    ]);
  });

  it('reads a { } block across lines as one word, and %if lines as their own statements', () => {
    const r = lex(
      "if -F '#{@x}' {\n  set -g @a 1\n  set -g @b 2\n}\n%if #{@y}\nset -g @c 1\n%endif\n",
      () => undefined,
      HOME,
    );
    expect(r.stmts.map((s) => s.kind)).toEqual(['cmd', 'if', 'cmd', 'endif']);
    const first = r.stmts[0]!;
    expect(first.kind === 'cmd' && first.words[3]!.block).toBe(true);
  });
});

describe('readConfig: following the config as tmux does', () => {
  it('follows source-file through ~, $VAR set earlier and quotes, keeping file:line', () => {
    const f = withConfig(
      'DOTFILES=$HOME/dot\nsource-file -q "$DOTFILES/tmux/a.conf"\nrun \'~/.tmux/plugins/tpm/tpm\'\n',
      {
        [`${HOME}/dot/tmux/a.conf`]: 'source ~/dot/tmux/b.conf\n',
        [`${HOME}/dot/tmux/b.conf`]: "\n\nset -g @resurrect-dir '~/saves'\n",
      },
    );
    const lines = configLines(f, [f.configs[0]!]);
    const set = setLines(lines).find((s) => s.name === '@resurrect-dir')!;
    expect(`${set.file}:${set.line}`).toBe(`${HOME}/dot/tmux/b.conf:3`);
    expect(set.value).toBe('~/saves');
    expect(set.via).toEqual([`${HOME}/.tmux.conf:2`, `${HOME}/dot/tmux/a.conf:1`]);
  });

  it('matches a glob against the files the probe read for it', () => {
    const f = withConfig('source ~/.tmux.d/*.conf\n', { [`${HOME}/.tmux.d/10-x.conf`]: 'set -g @x 1\n' }, (f) => {
      f.configTree!.globs[`${HOME}/.tmux.d/*.conf`] = [`${HOME}/.tmux.d/10-x.conf`];
    });
    const r = readConfig(f, [f.configs[0]!]);
    expect(r.sources[0]!.files).toEqual([`${HOME}/.tmux.d/10-x.conf`]);
    expect(setLines(r.lines).map((s) => s.name)).toContain('@x');
  });

  it('resolves %if and if -F by the server-expanded formats; an if-shell condition stays conditional', () => {
    const f = withConfig(
      "%if \"#{==:#{@mode},full}\"\nset -g @a yes\n%else\nset -g @a no\n%endif\nif -F '#{@on}' 'set -g @b 1' 'set -g @b 0'\nif-shell 'test -d ~/x' 'set -g @c 1'\n",
      {},
      (f) => {
        f.configTree!.formats = { '#{==:#{@mode},full}': '1', '#{@on}': '0' };
      },
    );
    const lines = readConfig(f, [f.configs[0]!]).lines;
    const state = (name: string) =>
      setLines(lines)
        .filter((s) => s.name === name)
        .map((s) => `${s.value}:${s.active}`);
    expect(state('@a')).toEqual(['yes:true', 'no:false']);
    expect(state('@b')).toEqual(['0:true']);
    expect(state('@c')).toEqual(['1:conditional']);
  });

  it('reports a quote tmux would reject, with its line', () => {
    const r = readConfig(withConfig("set -g @a 1\nset -g @b 'open\n"), [
      file(`${HOME}/x.conf`, "set -g @a 1\nset -g @b 'open\n"),
    ]);
    expect(r.syntaxErrors).toEqual([{ file: `${HOME}/x.conf`, line: 2, message: 'syntax error: unterminated quote' }]);
  });
});

describe('TPM as its own scripts find things', () => {
  it('reads @plugin lines one source level deep only, as its sed and awk do', () => {
    const f = withConfig("source '~/.tmux/plugins.conf'\nrun '~/.tmux/plugins/tpm/tpm'\n", {
      [`${HOME}/.tmux/plugins.conf`]: "set -g @plugin 'tmux-plugins/tmux-resurrect'\nsource ~/.tmux/deeper.conf\n",
      [`${HOME}/.tmux/deeper.conf`]: "set -g @plugin 'tmux-plugins/tmux-continuum'\n",
    });
    expect(tpmDecls(f).map((d) => d.name)).toEqual(['tmux-resurrect']);
    expect(loadedVia(f, 'tmux-continuum').tpm).toBeUndefined();
  });

  it('takes legacy @tpm_plugins words from the server', () => {
    const f = withConfig("run '~/.tmux/plugins/tpm/tpm'\n", {}, (f) => {
      f.server!.options['@tpm_plugins'] = 'tmux-plugins/tpm tmux-plugins/tmux-resurrect\ntmux-plugins/tmux-continuum';
    });
    expect(tpmDecls(f).map((d) => d.name)).toEqual(['tpm', 'tmux-resurrect', 'tmux-continuum']);
  });

  it('derives TMUX_PLUGIN_MANAGER_PATH: server, then the config, then its default for the config location', () => {
    expect(tpmPluginPath(healthyFacts()).source).toBe('server');
    const noServer = withConfig("set-environment -g TMUX_PLUGIN_MANAGER_PATH '~/.cache/tmux/plugins/'\n", {}, (f) => {
      f.server = null;
    });
    expect(tpmPluginPath(noServer)).toMatchObject({ path: `${HOME}/.cache/tmux/plugins`, source: 'config' });
    const xdg = withFacts((f) => {
      f.server = null;
      const x = f.configs.find((c) => c.path.endsWith('/.config/tmux/tmux.conf'))!;
      x.exists = true;
      x.content = "run '~/.tmux/plugins/tpm/tpm'\n";
    });
    expect(tpmPluginPath(xdg).path).toBe(`${HOME}/.config/tmux/plugins`);
    expect(tpmPlace(xdg).script).toBe(`${HOME}/.tmux/plugins/tpm/tpm`);
  });

  it('finds a plugin loaded by run-shell without TPM, through a format the server expanded', () => {
    const root = `${HOME}/.tmux/tmux-plugins`;
    const f = withConfig(`set -g @root '${root}'\nrun-shell -b '#{@root}/tmux-resurrect/resurrect.tmux'\n`, {}, (f) => {
      f.server = null;
      f.configTree!.formats = { '#{@root}/tmux-resurrect/resurrect.tmux': `${root}/tmux-resurrect/resurrect.tmux` };
      f.configTree!.pluginDirs = [{ ...f.plugins, dir: root }];
    });
    expect(loadedVia(f, 'tmux-resurrect').run?.path).toBe(`${root}/tmux-resurrect/resurrect.tmux`);
    expect(pluginPlace(f, 'tmux-resurrect').dir).toBe(`${root}/tmux-resurrect`);
  });

  it('believes the server about where a plugin was loaded from', () => {
    const f = withFacts((f) => {
      f.server!.options['@resurrect-save-script-path'] = '/opt/dot/plugins/tmux-resurrect/scripts/save.sh';
    });
    expect(pluginPlace(f, 'tmux-resurrect')).toMatchObject({
      dir: '/opt/dot/plugins/tmux-resurrect',
      why: 'the running server loaded it from here',
    });
  });
});

describe('hooks that set options later', () => {
  it('finds @resurrect-dir set by a session-created hook through a sourced file', () => {
    const f = withConfig("set-hook -g session-created 'source ~/.tmux/dir.conf'\n", {
      [`${HOME}/.tmux/dir.conf`]: "set -g @resurrect-dir '~/.tmux/resurrect-#{session_name}'\n",
    });
    expect(hookedSets(f, '@resurrect-dir')).toEqual([
      { hook: 'session-created', at: `${HOME}/.tmux.conf:1`, value: '~/.tmux/resurrect-#{session_name}' },
    ]);
  });
});
