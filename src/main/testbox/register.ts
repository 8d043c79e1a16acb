import { registerTransportFactory } from '../hosts/openTransport';
import { openTestboxTransport } from './api';

/** Makes `testbox:<name>` a host target every command accepts. Call once from the composition root. */
export function registerTestboxTransport(): void {
  registerTransportFactory((target) => (target.kind === 'testbox' ? openTestboxTransport(target.name) : undefined));
}
