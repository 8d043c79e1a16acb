// A lab process that changes knobs through the journal and then stays up, to be killed with
// SIGKILL by test/integration/knobsCrash.test.ts. argv: <db> <id=value>...
import { Lab } from '../../src/main/lab';

const [dbPath, ...pairs] = process.argv.slice(2);
const values = Object.fromEntries(pairs.map((p) => p.split('=') as [string, string]));
const lab = new Lab({ dbPath, shell: 'headless', knobs: { autoRestore: false } });
const r = await lab.knobs.set('local', values, 'experiment');
process.stdout.write(`SET ${JSON.stringify(r.results.map((x) => [x.id, x.ok, x.after]))}\n`);
setInterval(() => {}, 1 << 30);
