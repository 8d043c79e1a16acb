import { runCli } from './main';

// `numa-lab … | head`: the reader went away, which is how a pipeline says "enough", not an error.
// (The lab's own cleanup, e.g. restoring knobs, runs in the commands' finally blocks regardless.)
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exitCode ??= 0;
    else throw e;
  });
}

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // The result is printed: a socket or child a failed host left open must not keep a user's
    // script waiting. The timer is unref'd, so a clean exit is not delayed by it.
    setTimeout(() => process.exit(code), 3000).unref();
  },
  (e) => {
    process.stderr.write(`numa-lab: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 3000).unref();
  },
);
