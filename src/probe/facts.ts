// The one typed snapshot every check reads. Built by parse.ts from the probe's output;
// checks never gather anything themselves, so this type is the whole contract between
// what the probe sees on the target and what the checks may conclude.

/** One `ls -ln` style entry. Names are exact (hostile characters preserved). */
export interface FileEntry {
  name: string;
  /** e.g. `-rwxr-xr-x`, `drwx------`, `lrwxr-xr-x` */
  mode: string;
  uid: number;
  size: number;
  type: 'file' | 'dir' | 'link' | 'other';
  /** readlink output for symlinks */
  linkTarget?: string;
}

/** A text file read on the target, capped. */
export interface TextFile {
  path: string;
  exists: boolean;
  content: string;
  size: number;
  /** true when content was cut at the probe's cap (size keeps the real size) */
  truncated: boolean;
}

export interface TmuxBinary {
  path: string;
  /** raw `tmux -V` output, e.g. `tmux 3.5a`; null when it could not run */
  version: string | null;
  /** which lookups found it */
  foundBy: Array<'exec' | 'login' | 'known-location'>;
}

export interface SocketFact {
  path: string;
  /** a server answered `list-sessions` (or `display -p`) in time */
  answers: boolean;
  timedOut: boolean;
  /** tmux's message when it did not answer, e.g. `no server running on ...` */
  error?: string;
}

export interface SessionFact {
  id: string;
  name: string;
  windows: number;
  attached: number;
  /** epoch seconds */
  created: number;
}

export interface ClientFact {
  pid: number;
  session: string;
  tty: string;
  controlMode: boolean;
}

/** Facts about the default server (socket `default` in the uid's socket dir). */
export interface ServerFact {
  socket: string;
  answers: boolean;
  timedOut: boolean;
  error?: string;
  /** `#{version}` of the running server (may differ from the binary on disk) */
  version: string | null;
  pid: number | null;
  /** epoch seconds */
  startTime: number | null;
  sessions: SessionFact[];
  clients: ClientFact[];
  /** `show-environment -g`; a removed variable (`-NAME`) maps to null */
  globalEnv: Record<string, string | null>;
  /** `show-options -g` (session scope, includes `@user` options), values unquoted */
  options: Record<string, string>;
  /** `show-options -s` (server scope: exit-empty, ...) */
  serverOptions: Record<string, string>;
  /** `show-hooks -g` lines, verbatim */
  hooks: string[];
  /** `list-keys` lines whose key is C-s or C-r in the prefix table, verbatim */
  keyBindings: string[];
}

export interface PluginEntry extends FileEntry {
  /** commit hash from the plugin's .git (HEAD, loose ref or packed-refs), if any */
  revision?: string;
}

export interface PluginsFact {
  /** where TPM installs: `~/.tmux/plugins` or `$XDG_CONFIG_HOME/tmux/plugins` */
  dir: string;
  exists: boolean;
  entries: PluginEntry[];
  /** listing of `<dir>/tmux-resurrect/scripts` (save.sh, restore.sh, ...) */
  resurrectScripts: FileEntry[];
  /** listing of `<dir>/tmux-continuum/scripts` */
  continuumScripts: FileEntry[];
  /** `<dir>/tpm/tpm` */
  tpmScript?: FileEntry;
}

/** What the probe gathered to read the config as tmux does. */
export interface ConfigTreeFact {
  /** files the loaded configs source (followed by the probe, bounded), each capped */
  files: TextFile[];
  /** each glob a `source-file` names, as the probe expanded it → the files it matched */
  globs: Record<string, string[]>;
  /**
   * tmux's own parse of every config file read (`source-file -n`, tmux >= 3.2) by the running
   * server: its error lines verbatim (`/path:3: command bind-key: unknown flag -t`).
   * Undefined when no server answered or tmux cannot parse without executing.
   */
  parseErrors?: string[];
  /** formats in `%if`, `if -F`, `source -F` and run-shell lines, as the running server expands them */
  formats: Record<string, string>;
  /** further plugin dirs listed: TPM's path, the dirs run-shell lines and the server's plugin paths point into */
  pluginDirs: PluginsFact[];
}

export interface SaveFileContent {
  name: string;
  size: number;
  content: string;
  truncated: boolean;
}

export interface SaveDirFact {
  /** `option`: from @resurrect-dir (expanded); `home`: ~/.tmux/resurrect; `xdg`: XDG data dir */
  role: 'option' | 'home' | 'xdg';
  path: string;
  exists: boolean;
  /** the directory itself (mode, owner) */
  self?: FileEntry;
  writable: boolean;
  /** entries of the dir (may be capped; see listingTruncated) */
  files: FileEntry[];
  listingTruncated: boolean;
  /**
   * Save files (`tmux_resurrect_*.txt`) the probe counted but did not list: it lists the
   * newest 500 by name (and `last`'s target) in `files`, with every entry that is not a save.
   * These are older than every listed save. Undefined when the probe did not say (0: none).
   */
  savesNotListed?: number;
  /** `last` symlink: target as stored, and the target's content when it resolves */
  last?: {
    entry: FileEntry;
    target?: string;
    /** the target exists (not dangling) */
    resolves: boolean;
    file?: SaveFileContent;
  };
  /** content of the newest save files (by name), newest first, each capped */
  recent: SaveFileContent[];
  /** `pane_contents.tar.gz` in this dir, when present: its bytes (capped at 8 MiB) */
  paneArchive?: { entry: FileEntry; data: Buffer; truncated: boolean };
}

export interface ProcessFact {
  pid: number;
  ppid: number;
  uid: number;
  /** `ps -o etime` form: [[dd-]hh:]mm:ss */
  etime: string;
  command: string;
}

/** A unix socket a server listens on, as the OS names it, looked at by the probe. */
export interface ListenFact {
  path: string;
  /** a socket file is at the path now (it may be another server's: see pid) */
  exists: boolean;
  answers: boolean;
  timedOut: boolean;
  /** `#{pid}` of the server answering there; null when none answered or it did not say */
  pid: number | null;
  /** a tmux client was run on it (not when the file is gone or no tmux binary was found) */
  asked: boolean;
  error?: string;
}

/**
 * Where a tmux server process listens, read from the OS (not its command line). The probe
 * reads it only for servers no answering socket accounts for.
 */
export interface ServerSocketsFact {
  pid: number;
  /** `proc`: /proc/PID/fd and /proc/net/unix (Linux); `lsof`: `lsof -a -U -p PID`; `none`: neither exists */
  how: 'proc' | 'lsof' | 'none';
  /** TMUX_TMPDIR in its environment: null = not set there; undefined = its environment was not read */
  tmuxTmpdir?: string | null;
  /** TMUX in its environment (set when it was started inside another tmux), as tmuxTmpdir */
  tmux?: string | null;
  /** the unix sockets it listens on; undefined when the OS could not tell (see unreadable) */
  listens?: ListenFact[];
  /** what could not be read, each a phrase: `/proc/812/fd: Permission denied`, `lsof is not installed` */
  unreadable: string[];
}

export interface Facts {
  probe: {
    /** version of the probe script that produced these facts */
    version: string;
    /** the bound the probe put on each tmux call, seconds */
    tmuxTimeoutSec: number;
    /** problems the probe itself met (timeouts, unreadable files), human-readable */
    warnings: string[];
  };
  host: {
    user: string;
    uid: number;
    home: string;
    shell: string;
    hostname: string;
    /** `uname -s`: Darwin, Linux, ... */
    os: string;
    /** `sw_vers -productVersion` on macOS, else os-release PRETTY_NAME or `uname -r` */
    osVersion: string;
    /** target clock, epoch seconds */
    now: number;
    /** `date +%z`, e.g. `+0100` */
    tzOffset: string;
  };
  /** the environment of the non-login exec that ran the probe */
  env: {
    path: string;
    tmux?: string;
    tmuxPane?: string;
    tmuxTmpdir?: string;
    xdgDataHome?: string;
    xdgConfigHome?: string;
  };
  /** `$SHELL -l -c` run by the probe, bounded */
  login: {
    ok: boolean;
    timedOut: boolean;
    path?: string;
    /** `command -v tmux` in the login shell */
    tmux?: string;
    error?: string;
  };
  /** `command -v tmux` in the non-login exec */
  execTmux?: string;
  tmuxBinaries: TmuxBinary[];
  /** socket dir(s) searched and each socket found in them */
  socketDirs: string[];
  sockets: SocketFact[];
  server: ServerFact | null;
  configs: TextFile[];
  /** sourced files, parse errors, formats and plugin dirs (absent from probes that did not gather them) */
  configTree?: ConfigTreeFact;
  plugins: PluginsFact;
  saveDirs: SaveDirFact[];
  /** shell startup/logout files: ~/.zlogout, ~/.bash_logout, ~/.zshrc, ~/.zprofile, ~/.zshenv, ~/.bashrc, ~/.bash_profile, ~/.profile */
  dotfiles: TextFile[];
  /** `~/tmux_no_auto_restore` exists (continuum's halt file) */
  noAutoRestore: boolean;
  /** processes whose command mentions tmux, resurrect or continuum */
  processes: ProcessFact[];
  /**
   * The user's tmux servers (in `processes`) against the sockets that answered; when there
   * are more servers, where each of them listens. Undefined from probes without this part.
   */
  serverSockets?: { servers: number; answering: number; processes: ServerSocketsFact[] };
  /**
   * Scripts that may start tmux or trigger saves: files directly in ~/scripts, ~/bin and
   * ~/.local/bin whose content mentions tmux (cal-bootstrap installs ~/scripts/tmux-wrapper.sh),
   * at most 20, each capped.
   */
  scripts: TextFile[];
  /** `crontab -l` output when the user has one (bounded call), else undefined */
  crontab?: string;
  /** macOS: ~/Library/LaunchAgents/*.plist mentioning tmux (continuum's `Tmux.Start.plist` among them) */
  launchAgents: TextFile[];
  /** macOS: lines of `launchctl print gui/UID` (the GUI login's jobs) mentioning tmux (bounded call); undefined elsewhere */
  launchctl?: string[];
  /** macOS: what `launchctl print gui/UID` said when it failed, every line (no GUI login session: the domain does not exist) */
  launchctlFailure?: string;
  /**
   * Pane dirs saved in `last` (the resolved save dir's), checked on the target for a
   * `Session.vim` (vim/nvim session strategy). At most 200 dirs are looked at.
   */
  savedDirs: Array<{ dir: string; exists: boolean; sessionVim: boolean }>;
  /** continuum's lock dirs `/tmp/tmux-continuum-<server pid>-lock-<epoch/100>`; stale when the generation in the name is older than 200 s */
  continuumLocks: Array<{ path: string; stale: boolean }>;
}
