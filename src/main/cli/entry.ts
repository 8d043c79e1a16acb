import { runCli } from './main';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`numa-lab: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
