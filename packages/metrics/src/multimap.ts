/** Maps of lists, as the prepared indexes keep them (internal: not exported from the package). */

/** Appends `value` to `key`'s list, creating it. */
export function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Appends `value` to `outer`'s `week` list, creating both levels. */
export function pushNestedTo<T>(map: Map<string, Map<string, T[]>>, outer: string, week: string, value: T): void {
  let inner = map.get(outer);
  if (inner === undefined) {
    inner = new Map();
    map.set(outer, inner);
  }
  pushTo(inner, week, value);
}
