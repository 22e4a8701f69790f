import type { ReactNode } from 'react';

/**
 * The box around a table that may scroll sideways on a small screen: a labelled region (a named <section>) that takes keyboard focus,
 * so that keyboard users can scroll it too (WCAG 2.1.1; axe "scrollable-region-focusable").
 */
export function TableWrap({
  labelledBy,
  label,
  children,
}: {
  labelledBy?: string;
  label?: string;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls sideways must be reachable by keyboard.
    <section className="table-wrap" tabIndex={0} aria-labelledby={labelledBy} aria-label={label}>
      {children}
    </section>
  );
}
