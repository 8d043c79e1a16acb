// `node --import <this> out/main/index.js`: the built main process with `electron` resolved to the
// stand-in beside this file, so the desktop shell runs where the Electron binary cannot.
import { register } from 'node:module';

register(new URL('./hooks.mjs', import.meta.url));
