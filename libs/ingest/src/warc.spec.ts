import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decode, readFileChunks } from './decode';
import { htmlToText, sniffCharset } from './html';
import type { ReadResult } from './records';
import { readWarc } from './warc';

const WARC = join(__dirname, '..', 'test', 'fixtures', 'debian-docs.warc.gz');

async function readAll(path: string) {
  const skipped: Record<string, number> = {};
  const results: ReadResult[] = [];
  for await (const r of readWarc(decode(readFileChunks(path), { source: 'debian-docs.warc.gz' }), {
    source: 'debian-docs.warc.gz',
    onSkip: (s) => (skipped[s] = (skipped[s] ?? 0) + 1),
  })) {
    results.push(r);
  }
  const docs = results.filter((r): r is Extract<ReadResult, { ok: true }> => r.ok).map((r) => r.doc);
  return { docs, bad: results.filter((r) => !r.ok), skipped };
}

/** Independent count: scan the decompressed WARC's headers as text (no WARC parser). */
function htmlResponsesByScan(): string[] {
  const text = gunzipSync(readFileSync(WARC)).toString('latin1');
  const urls: string[] = [];
  const re = /WARC-Type: response\r\n[\s\S]*?WARC-Target-URI: (\S+)[\s\S]*?\r\n\r\nHTTP\/1\.[01] (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const contentType = /^Content-Type: (.*)$/im.exec(m[3]!)?.[1] ?? '';
    if (m[2] === '200' && /text\/html/i.test(contentType)) urls.push(m[1]!.replace(/^<|>$/g, ''));
  }
  return urls;
}

describe('readWarc on a real wget crawl of Debian HTML documentation', () => {
  it('turns every 200 HTML response record into a document, and skips the rest with reasons', async () => {
    const { docs, bad, skipped } = await readAll(WARC);
    const expected = htmlResponsesByScan();
    expect(expected.length).toBeGreaterThan(50);
    expect(docs.map((d) => d.url).sort()).toEqual([...expected].sort());
    expect(bad).toEqual([]);
    expect(skipped['type:request']).toBe(71);
    expect(skipped['type:warcinfo']).toBe(1);
    expect(skipped['uri:metadata']).toBe(1); // wget's own arguments, a resource record
    expect(skipped['content:image/png']).toBeGreaterThan(0);
    expect(skipped['status:404']).toBeGreaterThan(0);
    for (const d of docs) {
      expect(d.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(JSON.parse(d.meta!)).toMatchObject({ warc_type: 'response', content_type: 'text/html', charset: 'utf-8' });
    }
    expect(new Set(docs.map((d) => d.id)).size).toBe(docs.length);
  });

  it('keeps the main text and drops navigation panels', async () => {
    const { docs } = await readAll(WARC);
    const byPath = (p: string) => docs.find((d) => d.url!.endsWith(p))!;
    const intro = byPath('/libffi/Introduction.html');
    expect(intro.text).toMatch(/^1 What is libffi\?\n\nCompilers for high level languages generate code/);
    expect(intro.text).toContain('The calling convention is a set of assumptions made by the compiler');
    const quick = byPath('/valgrind/quick-start.html');
    expect(quick.text).toContain('Compile your program with -g to include debugging information');
    expect(JSON.parse(quick.meta!).title).toBe('The Valgrind Quick Start Guide');
    for (const d of docs) {
      // texinfo's "Next: ..., Previous: ..., Up: ..." header and DocBook's Prev/Up/Next image bars
      expect(d.text).not.toMatch(/^Next: .*(Previous|Up): /m);
      expect(d.text).not.toMatch(/^(Prev|Up|Next|Home)$/m);
      expect(d.text).not.toMatch(/<\/?(div|table|td|a|span)\b/);
    }
  });
});

describe('htmlToText', () => {
  const page = (body: string, head = '') => `<!doctype html><html><head><title>T</title>${head}<style>p{}</style></head><body>${body}</body></html>`;

  it('drops menus, cookie banners, footers and link lists but keeps prose', () => {
    const prose = 'Winnow reads crawl data and keeps the documents worth training on, with a ledger of the rest.';
    const { text, title, droppedBlocks } = htmlToText(
      page(`<header><a href="/">Home</a></header>
        <div id="cookie-consent">We use cookies. <button>Accept</button></div>
        <ul class="menu"><li><a href="/a">About</a></li><li><a href="/b">Blog</a></li></ul>
        <main><h1>On data</h1><p>${prose}</p><p>See <a href="/x">the docs</a> for the details of every stage.</p>
        <div><a href="/1">One</a> | <a href="/2">Two</a> | <a href="/3">Three</a></div></main>
        <footer>© 2026 Example</footer><script>track()</script>`),
    );
    expect(text).toBe(`On data\n\n${prose}\n\nSee the docs for the details of every stage.`);
    expect(title).toBe('T');
    expect(droppedBlocks).toBe(1);
  });

  it('keeps preformatted text as it is', () => {
    expect(htmlToText(page('<p>Run:</p><pre>  valgrind --leak-check=yes\n  ./a.out</pre>')).text).toBe('Run:\n\n  valgrind --leak-check=yes\n  ./a.out');
  });

  it('decodes by the HTTP charset, else the meta charset, else UTF-8 with a windows-1252 fallback', () => {
    // the page as bytes with one latin-1 "é" (0xe9) where the marker is
    const bytes = (html: string) => Buffer.concat(html.split('@').flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from([0xe9]), Buffer.from(part)])));
    const latin = bytes(page('<p>caf@</p>'));
    expect(htmlToText(latin, { headerCharset: 'iso-8859-1' }).text).toBe('café');
    const withMeta = bytes(page('<p>caf@</p>', '<meta charset="windows-1252">'));
    expect(sniffCharset(withMeta)).toBe('windows-1252');
    expect(htmlToText(withMeta).text).toBe('café');
    expect(htmlToText(latin).charset).toBe('windows-1252');
    expect(htmlToText(Buffer.from(page('<p>naïve ✓</p>'))).text).toBe('naïve ✓');
  });
});
