/** Keeps `value` under `key`, dropping the oldest entry once the memo holds more than `cap`. */
export function remember<V>(memo: Map<string, V>, key: string, value: V, cap: number): void {
  memo.set(key, value);
  if (memo.size > cap) {
    const oldest = memo.keys().next().value;
    if (oldest !== undefined) memo.delete(oldest);
  }
}
