import { connect, type Socket } from 'node:net';

/** A client socket that writes whatever a test says, byte by byte if it likes, and records replies. */
export interface RawClient {
  socket: Socket;
  write(text: string | Uint8Array): void;
  /** Resolves when the server closed or reset the connection. */
  closed: Promise<void>;
  /** Whether the connection is closed now. */
  isClosed(): boolean;
  /** The first response: status, lower-cased headers and body (by Content-Length). */
  response(): Promise<{ status: number; headers: Record<string, string>; body: string }>;
  /** Everything received so far. */
  received(): string;
}

/**
 * Opens a TCP connection to `url`'s host and port, from `localAddress` when given (any
 * 127.x.y.z on Linux, so a test can play several client addresses).
 */
export function openRaw(url: string, options: { localAddress?: string } = {}): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket = connect({
    host: hostname,
    port: Number(port),
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  let data = Buffer.alloc(0);
  let closedNow = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of waiters) w();
  };
  socket.on('data', (chunk: Buffer) => {
    data = Buffer.concat([data, chunk]);
    notify();
  });
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      closedNow = true;
      notify();
      resolve();
    });
  });
  socket.on('error', () => {});
  const client: RawClient = {
    socket,
    write: (text) => {
      if (!socket.destroyed) socket.write(text);
    },
    closed,
    isClosed: () => closedNow,
    received: () => data.toString('latin1'),
    response: () =>
      new Promise((resolve, reject) => {
        const check = () => {
          const parsed = parseResponse(data);
          if (parsed) {
            waiters.delete(check);
            resolve(parsed);
          } else if (closedNow) {
            waiters.delete(check);
            reject(new Error(`connection closed without a whole response (got ${data.length} bytes)`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}

function parseResponse(
  data: Buffer,
): { status: number; headers: Record<string, string>; body: string } | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? '0');
  const body = data.subarray(end + 4);
  if (body.length < length) return undefined;
  return {
    status: Number(statusLine?.split(' ')[1]),
    headers,
    body: body.subarray(0, length).toString('utf8'),
  };
}

/** The request head of a `PUT` upload that declares `length` bytes and sends none of them. */
export function uploadHead(
  path: string,
  options: { token: string; length?: number; version?: string; chunked?: boolean; expectContinue?: boolean },
): string {
  const lines = [
    `PUT ${path} HTTP/1.1`,
    'Host: registry.test',
    `Authorization: Bearer ${options.token}`,
    'Content-Type: application/gzip',
    options.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${options.length ?? 0}`,
  ];
  if (options.version) lines.push(`Skills-Bundle-Version: ${options.version}`);
  if (options.expectContinue) lines.push('Expect: 100-continue');
  return `${lines.join('\r\n')}\r\n\r\n`;
}
