/** Keeps `value` under `key`, dropping the oldest entry once the memo holds more than `cap`. */
export function remember<V>(memo: Map<string, V>, key: string, value: V, cap: number): void {
  memo.set(key, value);
  if (memo.size > cap) {
    const oldest = memo.keys().next().value;
    if (oldest !== undefined) memo.delete(oldest);
  }
}

/** The value kept for `key`, made by `make` the first time: for results that live as long as their key. */
export function kept<K extends object, V>(memo: WeakMap<K, V>, key: K, make: () => V): V {
  let value = memo.get(key);
  if (value === undefined) {
    value = make();
    memo.set(key, value);
  }
  return value;
}
