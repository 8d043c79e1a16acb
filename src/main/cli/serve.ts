import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { CliCommand } from './commands';
import { labFromFlags } from './labFromFlags';
import { UsageError } from './args';
import { startHeadlessServer } from '../headless/server';
import { repoRoot } from '../repoRoot';

export const serveCommand: CliCommand = {
  words: ['serve'],
  usage: 'numa-lab serve [--port N] [--listen ADDR [--allow-remote]] [--token T]',
  summary: 'start the lab without Electron: the UI on http://127.0.0.1:<port>/ behind a one-time token',
  flags: [
    { name: 'port', type: 'string', valueName: 'N', help: 'TCP port (default: any free port)' },
    { name: 'listen', type: 'string', valueName: 'addr', help: 'address to bind (default 127.0.0.1; loopback only unless --allow-remote)' },
    { name: 'allow-remote', type: 'bool', help: 'allow a non-loopback --listen address (prints a warning)' },
    { name: 'token', type: 'string', valueName: 'T', help: 'use this token instead of a random one (for scripts; keep it secret)' },
  ],
  async run({ flags, out, err }) {
    if (flags.port !== undefined && !/^\d{1,5}$/.test(String(flags.port))) throw new UsageError(`--port must be a number from 0 to 65535, got ${JSON.stringify(flags.port)}`);
    if (flags.token !== undefined && !/^[A-Za-z0-9_-]{16,128}$/.test(String(flags.token))) throw new UsageError('--token must be 16-128 characters of A-Z a-z 0-9 _ -');
    const rendererDir = join(repoRoot(), 'out', 'renderer');
    if (!existsSync(join(rendererDir, 'index.html'))) {
      err('numa-lab: the UI is not built yet; building it now (electron-vite build)…');
      const r = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'ensure-built.mjs')], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error('could not build the UI; run `npm run build` and look at its errors');
    }
    const lab = labFromFlags(flags);
    const server = await startHeadlessServer({
      lab,
      rendererDir,
      port: flags.port === undefined ? 0 : Number(flags.port),
      listen: typeof flags.listen === 'string' ? flags.listen : undefined,
      allowRemote: flags['allow-remote'] === true,
      token: typeof flags.token === 'string' ? flags.token : undefined,
      log: err,
    });
    out(`NUMA Lab (headless) is serving ${server.url}`);
    out('Open that URL in a browser; requests without the token are refused. Ctrl-C stops it.');
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await lab.close();
    return 0;
  },
};
