/**
 * Row counts of a write, as numbers: kysely reports them as bigint. A single-use thing is
 * consumed by one conditional UPDATE, and `changed(r) === 1` says this caller won it.
 */
export const changed = (r: { numUpdatedRows: bigint }): number => Number(r.numUpdatedRows);

/** Rows a DELETE removed (purges report how many). */
export const deleted = (r: { numDeletedRows: bigint }): number => Number(r.numDeletedRows);
