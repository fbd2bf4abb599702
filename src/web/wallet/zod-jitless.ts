/**
 * @owf/mdoc (the wallet's mdoc structures) validates with zod, whose schemas compile a fast path
 * with `new Function` when they are built: the pages' Trusted Types policy forbids that and reports
 * the attempt. Imported first by main.ts, before any module builds a schema, this tells the one
 * zod instance to stay jitless (it then never probes `Function` either).
 */
import { config } from 'zod';

config({ jitless: true });
