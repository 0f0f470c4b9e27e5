import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closePool, openDataset, runStage, type Row } from '@winnow/core';
import { headUrl, readUrlChunks } from './http';
import { nameInputFiles } from './ingest-stage';
import { resolveInputs } from './sources';

const WARC_PATH = join(__dirname, '..', 'test', 'fixtures', 'debian-docs.warc.gz');
const BODY = readFileSync(WARC_PATH);
const ETAG = '"debian-docs-1"';

interface Seen {
  method: string;
  range: string | undefined;
}

/** A real HTTP server on 127.0.0.1 serving the WARC fixture, with Range support and scripted failures. */
function startServer(): Promise<{ server: Server; base: string; seen: Seen[]; drops: Map<string, number> }> {
  const seen: Seen[] = [];
  const drops = new Map<string, number>(); // path -> connections still to drop midway
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ method: req.method ?? '', range: req.headers.range });
    if (path === '/missing.warc.gz') {
      res.writeHead(404).end('not here');
      return;
    }
    if (path === '/always-reset.warc.gz') {
      req.socket.destroy();
      return;
    }
    const ignoreRange = path === '/no-range.warc.gz';
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    const start = m && !ignoreRange && (ifRange === undefined || ifRange === ETAG) ? Number(m[1]) : 0;
    const headers = { 'content-type': 'application/warc', etag: ETAG, 'accept-ranges': ignoreRange ? 'none' : 'bytes', 'content-length': String(BODY.length - start) };
    if (start > 0) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${BODY.length - 1}/${BODY.length}` });
    else res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const left = drops.get(path) ?? 0;
    if (left > 0) {
      // send a third of the rest, then cut the connection
      drops.set(path, left - 1);
      res.write(BODY.subarray(start, start + Math.floor((BODY.length - start) / 3)), () => req.socket.destroy());
      return;
    }
    res.end(BODY.subarray(start));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, drops })),
  );
}

let srv: Awaited<ReturnType<typeof startServer>>;
let dir: string;
beforeAll(async () => {
  srv = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'winnow-http-'));
});
afterAll(async () => {
  await closePool();
  await new Promise((r) => srv.server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function fetchAll(url: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of readUrlChunks(url, { retries: 3, backoffMs: 10 })) parts.push(c);
  return Buffer.concat(parts);
}

describe('readUrlChunks against a local HTTP server', () => {
  it('streams a whole body', async () => {
    expect((await fetchAll(`${srv.base}/a.warc.gz`)).equals(BODY)).toBe(true);
  });

  it('resumes with a Range request after the connection drops midway, twice', async () => {
    srv.drops.set('/dropped.warc.gz', 2);
    srv.seen.length = 0;
    expect((await fetchAll(`${srv.base}/dropped.warc.gz`)).equals(BODY)).toBe(true);
    const ranges = srv.seen.map((s) => s.range);
    expect(ranges[0]).toBeUndefined();
    expect(ranges.slice(1)).toHaveLength(2);
    for (const r of ranges.slice(1)) expect(r).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('skips what it has when a server ignores ranges', async () => {
    srv.drops.set('/no-range.warc.gz', 1);
    expect((await fetchAll(`${srv.base}/no-range.warc.gz`)).equals(BODY)).toBe(true);
  });

  it('fails at once on 404 and after its retries on resets, naming the URL', async () => {
    await expect(fetchAll(`${srv.base}/missing.warc.gz`)).rejects.toMatchObject({ code: 'INGEST_HTTP_STATUS', file: `${srv.base}/missing.warc.gz` });
    await expect(fetchAll(`${srv.base}/missing.warc.gz`)).rejects.toThrow(/answered 404/);
    await expect(fetchAll(`${srv.base}/always-reset.warc.gz`)).rejects.toMatchObject({ code: 'INGEST_HTTP_FAILED', offset: 0 });
  });

  it('asks size and version with HEAD', async () => {
    expect(await headUrl(`${srv.base}/a.warc.gz`)).toEqual({ size: BODY.length, version: ETAG });
  });
});

describe('the ingest stage on a URL', () => {
  it('gives the same documents from http://127.0.0.1 (with a dropped connection) as from the file', async () => {
    srv.drops.set('/crawl.warc.gz', 1);
    const run = async (out: string, inputs: string[]) =>
      runStage({
        stage: { module: require.resolve('./ingest-stage'), export: 'ingestStage' },
        config: { files: nameInputFiles(await resolveInputs(inputs)) },
        inputs: [],
        out: join(dir, out),
        workers: 1,
        progress: { quiet: true },
      });
    const fromUrl = await run('url', [`${srv.base}/crawl.warc.gz`]);
    const fromFile = await run('file', [WARC_PATH]);
    const texts = async (p: string) => {
      const out: Row[] = [];
      for await (const r of (await openDataset(p)).rows({ columns: ['id', 'text', 'url', 'source'] })) out.push(r);
      return out;
    };
    const a = await texts(fromUrl.out);
    const b = await texts(fromFile.out);
    expect(a.map(({ id, text, url }) => ({ id, text, url }))).toEqual(b.map(({ id, text, url }) => ({ id, text, url })));
    expect(a).toHaveLength(60);
    expect(a[0]!['source']).toBe(`${srv.base}/crawl.warc.gz`);
  });
});
