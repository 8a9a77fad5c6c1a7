import type { SearchAddon } from '@xterm/addon-search';
import { ChevronDown, ChevronUp, X } from 'lucide-react';
import { useState } from 'react';
import './terminal-pane.css';
import { focusOnMount } from '../ui/focus-on-mount';

/**
 * The terminal's find bar, opened with the find shortcut: Enter finds the next match,
 * Shift+Enter the previous one, Escape closes it and gives the terminal the focus back.
 */
export function FindBar({ agentName, searcher, onClose }: { agentName: string; searcher: SearchAddon | null; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<boolean | null>(null);
  const find = (direction: 'next' | 'previous'): void => {
    if (!searcher || query === '') return;
    setFound(direction === 'next' ? searcher.findNext(query) : searcher.findPrevious(query));
  };
  return (
    <div className="terminal-find" role="search" aria-label={`Find in ${agentName}'s output`} data-testid="terminal-find">
      <input
        ref={focusOnMount}
        aria-label={`Find in ${agentName}'s output`}
        placeholder="Find"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setFound(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            find(e.shiftKey ? 'previous' : 'next');
          } else if (e.key === 'Escape') {
            e.preventDefault();
            searcher?.clearDecorations();
            onClose();
          }
        }}
      />
      {found === false && <span className="terminal-find-status">No match</span>}
      <button type="button" className="icon-button" aria-label="Previous match" onClick={() => find('previous')}>
        <ChevronUp size={14} aria-hidden />
      </button>
      <button type="button" className="icon-button" aria-label="Next match" onClick={() => find('next')}>
        <ChevronDown size={14} aria-hidden />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Close find"
        onClick={() => {
          searcher?.clearDecorations();
          onClose();
        }}
      >
        <X size={14} aria-hidden />
      </button>
    </div>
  );
}
