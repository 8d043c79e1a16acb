import { registerTransportFactory } from '../hosts/openTransport';
import { openTestboxTransport } from './api';

let registered = false;

/** Makes `testbox:<name>` a host target every command accepts. Idempotent; the composition root calls it. */
export function registerTestboxTransport(): void {
  if (registered) return;
  registered = true;
  registerTransportFactory((target) => (target.kind === 'testbox' ? openTestboxTransport(target.name) : undefined));
}
