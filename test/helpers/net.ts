/** Raw HTTP over a socket, for what `inject` cannot show: answers before a body arrives, timeouts, closing. */
import { connect } from 'node:net';

export interface RawAnswer {
  /** The status line's code, or null when the connection closed without an answer. */
  status: number | null;
  headers: Record<string, string>;
  body: string;
  /** When the first byte of the answer arrived, ms after the request was written. */
  firstByteMs: number | null;
  /** Whether the server closed the connection before `waitMs` passed. */
  closed: boolean;
}

/**
 * Writes `head` (a request line and headers, without the blank line) and then `body` (which may be shorter than its
 * Content-Length), and collects what comes back for at most `waitMs`. With `endHeaders` false the blank line that
 * ends the headers is never sent.
 */
export function rawRequest(port: number, head: string, body: string | Buffer = '', waitMs = 2000, endHeaders = true): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let firstByteMs: number | null = null;
    let closed = false;
    let started = 0;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const [headerText = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = headerText.split('\r\n');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const at = line.indexOf(':');
        if (at > 0) headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve({ status: status ? Number(status) : null, headers, body: rest.join('\r\n\r\n'), firstByteMs, closed });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('connect', () => {
      started = performance.now();
      socket.write(endHeaders ? `${head}\r\n\r\n` : `${head}\r\n`);
      if (body.length > 0) socket.write(body);
    });
    socket.on('data', (chunk: Buffer) => {
      firstByteMs ??= performance.now() - started;
      chunks.push(chunk);
      // A whole answer (by its Content-Length) ends the wait, whether or not the server closes.
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1];
      if (end !== -1 && length !== undefined && text.length - end - 4 >= Number(length)) finish();
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') {
        closed = true;
        finish();
      } else reject(error);
    });
  });
}
