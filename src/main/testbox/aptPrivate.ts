import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from './errors';
import { DEBIAN_SUITES } from '../../shared/testbox/kernels';
import { run, runOk } from './run';

/**
 * A private apt configuration, used only by the box's builder: its own sources (bookworm for
 * 6.1, trixie for 6.12, plus their security suites where kernel updates land, their backports,
 * and the newer forky and sid for the kernels after 6.12: DEBIAN_SUITES), lists, status
 * and archive cache under the lab's cache folder. The system's apt (its sources, lists, lock)
 * is never read or modified, and nothing is installed: packages are only downloaded.
 */
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** Overridable for a local mirror (and read at each use, so a test can point it elsewhere). */
const mirror = () => process.env.NUMA_LAB_DEBIAN_MIRROR || 'http://deb.debian.org/debian';
const security = () => process.env.NUMA_LAB_DEBIAN_SECURITY || 'http://deb.debian.org/debian-security';
/** Lists older than this are refreshed (kernel ABI bumps replace package names). */
const LISTS_MAX_AGE_MS = 24 * 3600 * 1000;

export class PrivateApt {
  private readonly root: string;

  constructor(cache: string) {
    this.root = join(cache, 'apt');
  }

  private options(): string[] {
    const r = this.root;
    return [
      `-o=Dir::Etc::sourcelist=${r}/etc/sources.list`,
      `-o=Dir::Etc::sourceparts=${r}/etc/sources.list.d`,
      `-o=Dir::Etc::preferencesparts=${r}/etc/preferences.d`,
      `-o=Dir::State=${r}/state`,
      `-o=Dir::State::status=${r}/state/status`,
      `-o=Dir::Cache=${r}/cache`,
      // Downloads go to folders we own; apt's _apt sandbox user could not write there.
      '-o=APT::Sandbox::User=root',
      '-o=Debug::NoLocking=1',
      '-o=Acquire::Languages=none',
      '-o=APT::Architectures=amd64',
      '-o=Acquire::Retries=2',
    ];
  }

  private setup(): string {
    const r = this.root;
    for (const d of ['etc/sources.list.d', 'etc/preferences.d', 'state/lists/partial', 'cache/archives/partial']) mkdirSync(join(r, d), { recursive: true });
    if (!existsSync(join(r, 'state/status'))) writeFileSync(join(r, 'state/status'), '');
    const line = (uri: string, suite: string) => `deb [signed-by=${KEYRING}] ${uri} ${suite} main\n`;
    const sources = [
      line(mirror(), 'bookworm'),
      line(security(), 'bookworm-security'),
      line(mirror(), 'bookworm-backports'),
      line(mirror(), 'trixie'),
      line(security(), 'trixie-security'),
      line(mirror(), 'trixie-backports'),
      line(mirror(), 'forky'),
      line(mirror(), 'sid'),
    ].join('');
    writeFileSync(join(r, 'etc/sources.list'), sources);
    return sources;
  }

  /** When the lists were last refreshed (a key for answers derived from them). */
  listsStamp(): string {
    try {
      return String(statSync(join(this.root, 'state', 'updated')).mtimeMs);
    } catch {
      return 'never';
    }
  }

  private listsAge(): number {
    try {
      return Date.now() - statSync(join(this.root, 'state', 'updated')).mtimeMs;
    } catch {
      return Infinity;
    }
  }

  /** apt-get update into the private lists, unless they are fresh. */
  async update(log: Log, force = false): Promise<void> {
    const sources = this.setup();
    // Lists fetched for other sources (an older lab's, or another mirror) are refreshed too.
    const stamp = join(this.root, 'state', 'updated');
    const sameSources = (() => {
      try {
        return readFileSync(stamp, 'utf8').includes(sources);
      } catch {
        return false;
      }
    })();
    if (!force && sameSources && this.listsAge() < LISTS_MAX_AGE_MS) return;
    log(`apt: refreshing the package lists of ${DEBIAN_SUITES.join(', ')} (private apt configuration)`);
    const r = await run('apt-get', [...this.options(), '-q', 'update']);
    // apt-get update exits 0 even when a source failed; "W:/E:" lines tell.
    const failed = r.stderr.split('\n').filter((l) => /^(E:|W: Failed to fetch|Err:)/.test(l.trim()));
    if (r.code !== 0 || failed.length) {
      throw new Error(`apt-get update failed: ${failed.slice(0, 4).join(' | ') || r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    writeFileSync(stamp, `${new Date().toISOString()}\n${sources}`);
  }

  /** Names of packages starting with `prefix` (linux-image- by default) that have a downloadable candidate, matching `re`. */
  async packageNames(re: RegExp, prefix = 'linux-image-'): Promise<string[]> {
    const r = await runOk('apt-cache', [...this.options(), 'pkgnames', prefix], 'apt-cache pkgnames');
    const names = r.stdout.split('\n').filter((n) => re.test(n));
    if (!names.length) return [];
    // pkgnames also lists names only mentioned by other packages; keep those with a candidate.
    const policy = await runOk('apt-cache', [...this.options(), 'policy', ...names], 'apt-cache policy');
    const real = new Set<string>();
    let current = '';
    for (const line of policy.stdout.split('\n')) {
      const m = /^(\S+):$/.exec(line);
      if (m) current = m[1];
      else if (/^\s+Candidate: (?!\(none\))/.test(line)) real.add(current);
    }
    return names.filter((n) => real.has(n));
  }

  /** Every (package, version, suite) apt knows for these names (apt-cache madison). */
  async madison(names: string[]): Promise<Array<{ pkg: string; version: string; suite: string }>> {
    if (!names.length) return [];
    const r = await runOk('apt-cache', [...this.options(), 'madison', ...names], 'apt-cache madison');
    const out: Array<{ pkg: string; version: string; suite: string }> = [];
    for (const line of r.stdout.split('\n')) {
      const [pkg, version, where] = line.split('|').map((x) => x.trim());
      const suite = where ? /\s(\S+?)\/main\b/.exec(where)?.[1] : undefined;
      if (pkg && version && suite) out.push({ pkg, version, suite });
    }
    return out;
  }

  /**
   * The candidate version of a package, remembered for as long as the package lists are
   * unchanged: apt-cache takes seconds, and a cached kernel build asks it every time.
   */
  async version(pkg: string): Promise<string> {
    const memo = join(this.root, 'versions.json');
    const stamp = this.listsStamp();
    let known: { stamp: string; versions: Record<string, string> } = { stamp, versions: {} };
    try {
      const m = JSON.parse(readFileSync(memo, 'utf8')) as typeof known;
      if (m.stamp === stamp) known = m;
    } catch {
      /* nothing remembered yet */
    }
    if (known.versions[pkg]) return known.versions[pkg];
    const r = await runOk('apt-cache', [...this.options(), 'show', '--no-all-versions', pkg], `apt-cache show ${pkg}`);
    const version = /^Version: (\S+)/m.exec(r.stdout)?.[1] ?? 'unknown';
    if (version !== 'unknown') writeFileSync(memo, JSON.stringify({ stamp, versions: { ...known.versions, [pkg]: version } }));
    return version;
  }

  /** apt-get download into `dir`; returns the .deb's path. */
  async download(pkg: string, dir: string): Promise<string> {
    mkdirSync(dir, { recursive: true });
    const r = await run('apt-get', [...this.options(), '-q', 'download', pkg], { cwd: dir });
    if (r.code !== 0) throw new Error(`apt-get download ${pkg} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const deb = readdirSync(dir).find((f) => f.startsWith(`${pkg.replace(/\+/g, '%2b')}_`) || f.startsWith(`${pkg}_`));
    if (!deb) throw new Error(`apt-get download ${pkg} reported success but no .deb is in ${dir}`);
    return join(dir, deb);
  }
}
