import { type ReactNode, useLayoutEffect, useRef } from "react";
import { createRoot, type Root } from "react-dom/client";

/** After the next frame is painted, when the browser is idle (at most a second later). */
function afterPaint(work: () => void): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(work, { timeout: 1_000 });
  else requestAnimationFrame(() => setTimeout(work, 0));
}

/**
 * Renders `children` in a React root of its own, in a `div` of `className`, and tears that root
 * down only after the page holding it is gone and the next page painted.
 *
 * For the overview's charts: recharts unmounts component by component, each a store update, which
 * made up about half of the commit that replaces the overview with a drill-down (measured in a
 * Chromium trace, docs/benchmarks.md). In a root of their own they leave the page with the one DOM
 * removal of the overview, and their teardown runs off the drill-down's critical path, on a
 * detached tree. `children` must need no context (the charts take props only).
 */
export function DetachedRoot({ children, className }: { children: ReactNode; className?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const root = useRef<Root | null>(null);
  useLayoutEffect(() => {
    const el = host.current;
    if (el === null) return;
    // A container of its own each time (StrictMode mounts twice in development): a root whose
    // teardown is pending never shares its container with the next one.
    const container = document.createElement("div");
    el.appendChild(container);
    const mine = createRoot(container);
    root.current = mine;
    return () => {
      if (root.current === mine) root.current = null;
      afterPaint(() => {
        mine.unmount();
        container.remove();
      });
    };
  }, []);
  // Every render of the holder renders the children into the root (props may have changed).
  useLayoutEffect(() => {
    root.current?.render(children);
  });
  return <div ref={host} className={className} />;
}
