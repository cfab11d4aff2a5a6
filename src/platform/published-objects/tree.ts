/**
 * Pure functions over a stored object's tree (a Location with its EVSEs and their Connectors; a
 * Tariff is a tree of one level): find the object a URL names, put a changed object back in
 * place, and keep `last_updated` of every parent at least as new as its children's (the Locations
 * chapters: an EVSE or Connector update also updates the parents' last_updated, so date_from
 * finds the Location). Nothing here mutates its input: stored documents may be shared.
 */
import { parseDateTime } from '../../protocol/index.js';
import type { ObjectLevel } from './description.js';

export type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The instant of an OCPI DateTime (milliseconds), or undefined when it is not one. */
export function instantOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = parseDateTime(value);
  return parsed.ok ? parsed.date.getTime() : undefined;
}

/** Of two DateTimes, the later one (a value that is no DateTime loses; `a` on a tie). */
export function laterOf(a: unknown, b: unknown): unknown {
  const ta = instantOf(a);
  const tb = instantOf(b);
  if (tb === undefined) return a;
  if (ta === undefined) return b;
  return tb > ta ? b : a;
}

/** Whether DateTime `candidate` is strictly before `stored` (both readable). */
export function isOlder(candidate: unknown, stored: unknown): boolean {
  const tc = instantOf(candidate);
  const ts = instantOf(stored);
  return tc !== undefined && ts !== undefined && tc < ts;
}

/** The child of `parent` at `level` whose id is `id`. */
export function findChild(parent: Json, level: ObjectLevel, id: string): Json | undefined {
  const list = level.listField === undefined ? undefined : parent[level.listField];
  if (!Array.isArray(list)) return undefined;
  return list.find((item): item is Json => isObject(item) && item[level.idField] === id);
}

/**
 * The objects from the root down to the one `ids` names (ids[0] is the root's, already matched by
 * the store key): [root, evse, connector]. Stops at the first one missing, so a chain shorter than
 * `ids` says which one that is (`chain.length`).
 */
export function descend(root: Json, levels: readonly ObjectLevel[], ids: readonly string[]): Json[] {
  const chain: Json[] = [root];
  for (let depth = 1; depth < ids.length; depth++) {
    const level = levels[depth];
    const parent = chain[depth - 1] as Json;
    const child = level === undefined ? undefined : findChild(parent, level, ids[depth] as string);
    if (child === undefined) break;
    chain.push(child);
  }
  return chain;
}

/** `parent` with `child` replacing the item of the same id in its list (or appended), last_updated raised. */
function withChild(parent: Json, level: ObjectLevel, child: Json): Json {
  const field = level.listField as string;
  const list = Array.isArray(parent[field]) ? (parent[field] as unknown[]) : [];
  const id = child[level.idField];
  const index = list.findIndex((item) => isObject(item) && item[level.idField] === id);
  const next = index < 0 ? [...list, child] : list.map((item, i) => (i === index ? child : item));
  const out: Json = { ...parent, [field]: next };
  const lastUpdated = laterOf(parent.last_updated, child.last_updated);
  if (lastUpdated !== undefined) out.last_updated = lastUpdated;
  return out;
}

/**
 * The root with `target` put at depth `parents.length` below `parents` (the chain of objects
 * above it, root first): each parent's list gets the new child, and each parent's last_updated
 * becomes the later of its own and the child's.
 */
export function rebuild(parents: readonly Json[], levels: readonly ObjectLevel[], target: Json): Json {
  let child = target;
  for (let depth = parents.length - 1; depth >= 0; depth--) {
    child = withChild(parents[depth] as Json, levels[depth + 1] as ObjectLevel, child);
  }
  return child;
}

/**
 * A PATCH applied to an object: top-level fields replace the stored ones, lists included (a list
 * in a PATCH is the whole new list; the transport chapter: fields left out stay unchanged).
 */
export function mergePatch(target: Json, patch: Json): Json {
  return { ...target, ...patch };
}
