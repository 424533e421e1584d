import { marked } from 'marked';
import { useMemo } from 'react';

/**
 * Problem statements and rubrics are Markdown files from the server's own problem folders
 * (written by the team running the server), not text typed by people in the room.
 */
export function Markdown({ source, className }: { source: string; className?: string }) {
  const html = useMemo(() => marked.parse(source, { async: false, gfm: true }), [source]);
  return <div className={`markdown ${className ?? ''}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
