// Imported first by main.tsx, before any schema exists: zod would otherwise probe for
// `new Function` (its JIT) when building object schemas, which the server's
// Content-Security-Policy refuses and reports as a violation. Parsing is the same without it.
import { z } from 'zod';

z.config({ jitless: true });
