// The parsers over real macOS output (test/fixtures/macos/, each file says where it comes from).
import { describe, expect, it } from 'vitest';
import { parseLaunchdJobs } from '../../src/domain/launchd.js';
import { parseLsEntry, parseLsListing } from '../../src/probe/parse/ls.js';
import { macosFixture as fixture } from '../helpers/fixtures.js';

describe('ls -l on macOS: `+`/`@` after the mode, two spaces after owner and group', () => {
  it('reads every entry of a home listing, mode without its marker', () => {
    const entries = parseLsListing(fixture('ls-l-home.txt'));
    expect(entries.map((e) => [e.name, e.mode, e.size, e.type])).toEqual([
      ['Desktop', 'drwx------', 204, 'dir'],
      ['Documents', 'drwx------', 102, 'dir'],
      ['Downloads', 'drwx------', 102, 'dir'],
      ['Library', 'drwx------', 1564, 'dir'],
      ['Movies', 'drwx------', 102, 'dir'],
      ['Music', 'drwx------', 102, 'dir'],
      ['Pictures', 'drwx------', 102, 'dir'],
      ['Public', 'drwxr-xr-x', 170, 'dir'],
    ]);
  });

  it('reads a file with extended attributes whose name holds spaces and parentheses', () => {
    const [line] = fixture('ls-le-xattr.txt').split('\n');
    expect(parseLsEntry(line)).toMatchObject({ name: '1-06 FZZT (HD).m4v', mode: '-rw-r--r--', size: 793414991 });
  });
});

describe('launchd jobs', () => {
  it('launchctl list: running and stopped jobs, the header skipped', () => {
    const jobs = parseLaunchdJobs(fixture('launchctl-list.txt').split('\n'));
    expect(jobs).toHaveLength(9);
    expect(jobs[0]).toEqual({ pid: null, status: '0', label: 'com.apple.CoreAuthentication.daemon' });
    expect(jobs.find((j) => j.label === 'com.apple.Finder')).toEqual({
      pid: 279,
      status: '0',
      label: 'com.apple.Finder',
    });
    expect(jobs.map((j) => j.label)).toContain('homebrew.mxcl.mysql@5.7');
  });

  it('launchctl print gui/UID: the services rows only, each label after its tab', () => {
    expect(parseLaunchdJobs(fixture('launchctl-print-gui.txt').split('\n'))).toEqual([
      { pid: 887, status: '-', label: 'net.jwpconsulting.postgresql' },
      { pid: 866, status: '-', label: 'com.apple.syncdefaultsd' },
    ]);
  });

  it('launchctl print system: endpoint, port and subdomain rows are not jobs; pid 0 is not running', () => {
    expect(parseLaunchdJobs(fixture('launchctl-print-system.txt').split('\n'))).toEqual([
      { pid: null, status: '-', label: 'com.apple.rpmuxd' },
      { pid: null, status: '-', label: 'com.apple.lskdd' },
      { pid: 876, status: '-', label: 'com.apple.kernelmanager_helper' },
      { pid: 539, status: '-', label: 'com.apple.runningboardd' },
    ]);
  });

  it("launchctl print of a domain: the services block's pid, flags or exit, label", () => {
    expect(parseLaunchdJobs(fixture('launchctl-print-domain.txt').split('\n'))).toEqual([
      { pid: 61949, status: '(pe)', label: 'com.apple.tonelibraryd' },
      { pid: null, status: '-', label: 'com.apple.accounts.dom' },
      { pid: 421, status: '-', label: 'com.apple.distnoted.xpc.agent' },
    ]);
  });
});
