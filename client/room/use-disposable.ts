import { useEffect, useState, type DependencyList } from 'react';

/**
 * Creates a resource in an effect and disposes it on change or unmount. Creating it in
 * render (useMemo) would leak it, and StrictMode's double effects would use it after disposal.
 */
export function useDisposable<T>(create: () => T, dispose: (value: T) => void, deps: DependencyList): T | undefined {
  const [value, setValue] = useState<T>();
  useEffect(() => {
    const created = create();
    setValue(() => created);
    return () => {
      setValue(undefined);
      dispose(created);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return value;
}
