import { z } from 'zod';

// Imported first by main.ts, before any schema is built (zod reads the setting when a schema is
// created). A command parses each schema a handful of times; zod's JIT, which generates and
// compiles a parser per object schema on its first parse, costs more than it saves there
// (half of the parsing time of a warm install of 20). The registry, a long-running process,
// keeps the JIT.
z.config({ jitless: true });
