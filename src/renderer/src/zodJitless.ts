import { z } from 'zod';

// Imported first by main.tsx, before any schema exists: zod probes `new Function` when it builds
// its first object schema, which the app's CSP (no 'unsafe-eval') reports as a violation even
// though zod catches it. Jitless parsing needs no probe.
z.config({ jitless: true });
