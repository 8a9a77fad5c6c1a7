import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { safeHref, safeImageSrc } from './markdown-policy';

/**
 * Markdown from a brief (its spec, notes, comments, plans), rendered inert: raw HTML shows as
 * text (react-markdown without rehype-raw), links and images pass markdown-policy.ts or are
 * dropped to their text. Links to the web open in a new tab and do not tell it where they
 * came from.
 */
const components: Components = {
  // A code block scrolls sideways: reachable from the keyboard, so its overflow can be read.
  pre: ({ children }) => <pre tabIndex={0}>{children}</pre>,
  a: ({ href, children }) =>
    href ? (
      <a href={href} {...(href.startsWith('#/') ? {} : { target: '_blank', rel: 'noopener noreferrer' })}>
        {children}
      </a>
    ) : (
      <span className="md-inert-link">{children}</span>
    ),
  img: ({ src, alt }) =>
    typeof src === 'string' && src !== '' ? (
      <img src={src} alt={alt ?? ''} loading="lazy" />
    ) : (
      <span className="md-dropped-image" title="Images show only when attached to the brief">
        {alt ? `[image: ${alt}]` : '[image]'}
      </span>
    ),
};

function transformUrl(url: string, key: string, node: { tagName: string }): string | null {
  return node.tagName === 'img' && key === 'src' ? safeImageSrc(url) : safeHref(url);
}

export function SafeMarkdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={`markdown${className ? ` ${className}` : ''}`}>
      <Markdown remarkPlugins={[remarkGfm]} urlTransform={transformUrl} components={components}>
        {text}
      </Markdown>
    </div>
  );
}
