import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { join } from 'node:path';
import { schemasDir } from '../../src/paths.js';

/** A shipped type's example claims (for tests that talk to a spawned server). */
export async function catalogExample(id: string): Promise<{ type: string; claims: unknown }> {
  const catalog = await loadCatalog({ dir: join(schemasDir, 'credentials'), publicUrl: 'http://localhost' });
  return { type: id, claims: catalog.get(id)!.example };
}
