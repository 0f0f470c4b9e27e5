import { Parser } from 'htmlparser2';

/** What {@link htmlToText} returns. */
export interface ExtractedText {
  /** Main text: paragraphs separated by blank lines, boilerplate removed. */
  text: string;
  /** The document's `<title>`, or null. */
  title: string | null;
  /** Charset used to decode the bytes. */
  charset: string;
  /** Blocks dropped as boilerplate (link lists, navigation), for stats. */
  droppedBlocks: number;
}

/** What callers pass to {@link htmlToText}. */
export interface HtmlToTextOptions {
  /** Charset from the HTTP `Content-Type` header, which wins over the document's own `<meta>`. */
  headerCharset?: string | null;
  /** Drop a block whose share of characters inside links is above this (default 0.5)... */
  maxLinkDensity?: number;
  /** ...unless it is at least this long (default 200 characters). */
  linkBlockMinChars?: number;
}

/** Elements whose content is never text. */
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'canvas', 'select', 'button', 'form', 'head']);
/** Elements that are page furniture rather than content. */
const FURNITURE = new Set(['nav', 'header', 'footer', 'aside', 'menu', 'dialog']);
/** ARIA roles of page furniture. */
const FURNITURE_ROLES = /^(navigation|banner|contentinfo|complementary|menu|menubar|search|dialog|alertdialog)$/i;
/** Class or id words of page furniture (cookie banners, menus, share buttons, ...). */
const FURNITURE_NAMES =
  /(^|[\s_-])(nav|navbar|navigation|menu|menubar|footer|header|masthead|sidebar|breadcrumbs?|cookies?|consent|gdpr|banner|social|share|sharing|related|advert(isement)?|ads?|promo|subscribe|newsletter|skip-?link|pagination|pager|toolbar|nav-?panel)([\s_-]|$)/i;
/** Elements that end a block of text. */
const BLOCK = new Set([
  'p', 'div', 'br', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'table', 'pre',
  'section', 'article', 'main', 'blockquote', 'hr', 'figure', 'figcaption', 'address', 'td', 'th', 'caption', 'center',
]);
const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'param', 'source', 'track', 'wbr']);

/**
 * The charset named in the first 4 KiB of an HTML document (`<meta charset>` or
 * `<meta http-equiv="Content-Type" content="...; charset=...">`), or a BOM.
 *
 * @param bytes - the document's bytes.
 * @returns the charset label, or null.
 */
export function sniffCharset(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return m?.[1]?.toLowerCase() ?? null;
}

/**
 * Decodes HTML bytes: the HTTP header's charset, else the document's, else UTF-8
 * (falling back to windows-1252 when the bytes are not valid UTF-8), as browsers do.
 *
 * @param bytes - the document.
 * @param headerCharset - charset from the HTTP header.
 * @returns the text and the charset used.
 */
export function decodeHtml(bytes: Uint8Array, headerCharset?: string | null): { html: string; charset: string } {
  const declared = headerCharset ?? sniffCharset(bytes);
  for (const label of declared === null ? ['utf-8'] : [declared, 'utf-8']) {
    try {
      return { html: new TextDecoder(label, { fatal: true }).decode(bytes), charset: new TextDecoder(label).encoding };
    } catch {
      // unknown label or invalid bytes: try the next
    }
  }
  return { html: new TextDecoder('windows-1252').decode(bytes), charset: 'windows-1252' };
}

interface Block {
  text: string;
  linkChars: number;
  pre: boolean;
}

/**
 * Extracts the main text of an HTML page: drops scripts, styles, forms and page
 * furniture (nav, header, footer, aside, and elements whose role, class or id
 * says menu, cookie banner, sidebar, share buttons, ...), then drops short blocks
 * made mostly of links (navigation bars, "Next / Previous / Up" panels). Block
 * elements become paragraphs; whitespace is collapsed except in `<pre>`.
 *
 * @param bytes - the page's bytes (decoded with {@link decodeHtml}), or its text.
 * @param options - header charset and link-density thresholds.
 * @returns the text, title and charset.
 * @example
 * ```ts
 * const { text, title } = htmlToText(payload, { headerCharset: 'utf-8' })
 * ```
 */
export function htmlToText(bytes: Uint8Array | string, options: HtmlToTextOptions = {}): ExtractedText {
  const { html, charset } = typeof bytes === 'string' ? { html: bytes, charset: 'utf-8' } : decodeHtml(bytes, options.headerCharset);
  const maxLinkDensity = options.maxLinkDensity ?? 0.5;
  const linkBlockMinChars = options.linkBlockMinChars ?? 200;
  const blocks: Block[] = [];
  let current: Block = { text: '', linkChars: 0, pre: false };
  const stack: string[] = [];
  let skipDepth = 0; // > 0 while inside skipped content
  let linkDepth = 0;
  let preDepth = 0;
  let inTitle = false;
  let title = '';

  const endBlock = () => {
    if (current.text.trim() !== '') blocks.push(current);
    current = { text: '', linkChars: 0, pre: preDepth > 0 };
  };

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'title') inTitle = true;
        const isVoid = VOID.has(name);
        if (!isVoid) stack.push(name);
        if (skipDepth > 0) {
          if (!isVoid) skipDepth++;
          return;
        }
        const names = `${attrs['class'] ?? ''} ${attrs['id'] ?? ''}`;
        const furniture =
          SKIP.has(name) || FURNITURE.has(name) || FURNITURE_ROLES.test(attrs['role'] ?? '') || FURNITURE_NAMES.test(names) || 'hidden' in attrs || attrs['aria-hidden'] === 'true';
        if (BLOCK.has(name)) endBlock();
        if (furniture && !isVoid) {
          skipDepth = 1;
          return;
        }
        if (name === 'a') linkDepth++;
        if (name === 'pre') {
          preDepth++;
          current.pre = true;
        }
        if (name === 'img' && attrs['alt'] && linkDepth === 0) current.text += ` ${attrs['alt']} `;
      },
      ontext(text) {
        if (inTitle) title += text;
        if (skipDepth > 0) return;
        current.text += text;
        if (linkDepth > 0) current.linkChars += text.trim().length;
      },
      onclosetag(name, implied) {
        if (name === 'title') inTitle = false;
        if (VOID.has(name)) {
          if (name === 'br' && skipDepth === 0) current.text += '\n';
          return;
        }
        // pop to the matching open tag (htmlparser2 reports implied closes too)
        const at = stack.lastIndexOf(name);
        if (at < 0) return;
        const closing = stack.length - at;
        stack.length = at;
        if (skipDepth > 0) {
          skipDepth = Math.max(0, skipDepth - closing);
          return;
        }
        if (name === 'a') linkDepth = Math.max(0, linkDepth - 1);
        if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
        if (BLOCK.has(name) || implied) endBlock();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  endBlock();

  let dropped = 0;
  const paragraphs: string[] = [];
  for (const b of blocks) {
    const text = b.pre ? b.text.replace(/^\n+|\s+$/g, '') : b.text.replace(/[ \t\r\n\f\u00a0]+/g, ' ').trim();
    if (text === '') continue;
    const chars = text.replace(/\s/g, '').length;
    if (!b.pre && chars < linkBlockMinChars && b.linkChars / Math.max(1, chars) > maxLinkDensity) {
      dropped++;
      continue;
    }
    paragraphs.push(text);
  }
  return {
    text: paragraphs.join('\n\n'),
    title: title.trim() === '' ? null : title.replace(/\s+/g, ' ').trim(),
    charset,
    droppedBlocks: dropped,
  };
}
