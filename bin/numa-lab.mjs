#!/usr/bin/env node
// The numa-lab CLI. It runs the TypeScript sources through tsx, so the CLI a user runs is always
// the code in src/ (no build step between an edit and a scripted run).
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli/entry.ts');
