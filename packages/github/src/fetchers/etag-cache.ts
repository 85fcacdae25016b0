/**
 * Where conditional REST requests keep their validators: one ETag per URL (path and query,
 * without host or credentials). The pipeline backs it with PostgreSQL; tests use memory.
 */
export interface EtagCache {
  get(url: string): Promise<string | undefined> | string | undefined;
  set(url: string, etag: string): Promise<void> | void;
}

export function memoryEtagCache(): EtagCache & { readonly entries: ReadonlyMap<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: (url) => entries.get(url),
    set: (url, etag) => {
      entries.set(url, etag);
    },
  };
}
