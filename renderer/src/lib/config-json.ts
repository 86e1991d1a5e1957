// Reading and writing the loosely typed JSON of run configs (the renderer sees them as unknown): objects, numbers,
// enum values with a fallback, and objects without their undefined keys.

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Obj => (isObj(v) ? v : {});
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
export const oneOf = <T extends string>(list: readonly T[], v: unknown, fallback: T): T => (list.includes(v as T) ? (v as T) : fallback);
export const strip = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
