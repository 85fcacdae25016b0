import { resolve } from "node:path";
import { InputError } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { maskUrl, openDatabase, parseDatabaseUrl } from "./client.js";

describe("parseDatabaseUrl", () => {
  it.each([
    ["postgres://u:p@127.0.0.1:5432/y", { backend: "postgres", url: "postgres://u:p@127.0.0.1:5432/y" }],
    ["postgresql://127.0.0.1/y", { backend: "postgres", url: "postgresql://127.0.0.1/y" }],
    ["pglite:memory", { backend: "pglite", dataDir: null }],
    ["pglite:.yardstick/data", { backend: "pglite", dataDir: resolve(".yardstick/data") }],
    ["pglite:///var/lib/ys", { backend: "pglite", dataDir: "/var/lib/ys" }],
    ["pglite:", { backend: "pglite", dataDir: resolve(".yardstick/data") }],
  ])("%s", (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it.each([
    "mysql://x",
    "",
    "127.0.0.1:5432",
    "postgres://%zz@h/db",
    "postgres://u:p%zzsecret@h/db",
    "postgres://u@h/d%b",
  ])("rejects %j naming the key and an example", (url) => {
    const error = (() => {
      try {
        parseDatabaseUrl(url);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe("input.database_url");
    expect((error as InputError).message).toContain("DATABASE_URL");
    expect((error as InputError).message).toContain("for example: postgres://");
    expect((error as InputError).message).not.toContain("zzsecret");
  });
});

describe("openDatabase on an unusable PGlite location", () => {
  it.each(["/proc/yardstick-nope", "/proc/yardstick-nope/data", `${import.meta.filename}/data`])(
    "pglite:%s fails within seconds naming DATABASE_URL",
    async (dir) => {
      const started = Date.now();
      const error = await openDatabase({ url: `pglite:${dir}` }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toContain("DATABASE_URL");
      expect(Date.now() - started).toBeLessThan(3_000);
    },
  );
});

describe("maskUrl", () => {
  it("hides the password", () => {
    expect(maskUrl("postgres://ys:s3cret@db:5432/ys")).toBe("postgres://ys:***@db:5432/ys");
    expect(maskUrl("postgres://ys@db/ys")).toBe("postgres://ys@db/ys");
  });
});
