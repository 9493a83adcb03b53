// The page's <h1>. When the page changes (a link, signing in or out), focus moves to it, so a
// keyboard or screen-reader user starts at the top of the new page instead of nowhere; the first
// page of a visit leaves focus where the browser puts it.
import { type ReactNode, useEffect, useRef } from "react";

let isFirstPage = true;

export function PageHeading({ id, children }: { id?: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (isFirstPage) isFirstPage = false;
    else heading.current?.focus();
  }, []);
  return (
    <h1 ref={heading} id={id} tabIndex={-1} className="page-heading">
      {children}
    </h1>
  );
}
