import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export type PausedPair = {
  sender: Socket;
  /** Starts reading on the receiving side; resolves with everything once `bytes` arrived. */
  readAll(bytes: number): Promise<Buffer>;
  /** Destroys both sockets. */
  close(): void;
};

/** A connected loopback TCP pair whose receiving side reads nothing until `readAll` (so writes can back up). */
export async function pausedPair(): Promise<PausedPair> {
  const server = createServer({ pauseOnConnect: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const sender = connect((server.address() as AddressInfo).port, '127.0.0.1');
  const [receiver] = (await once(server, 'connection')) as [Socket];
  await once(sender, 'connect');
  server.close();
  return {
    sender,
    readAll: (bytes) =>
      new Promise((resolve) => {
        const chunks: Buffer[] = [];
        let got = 0;
        receiver.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          got += chunk.length;
          if (got >= bytes) resolve(Buffer.concat(chunks));
        });
        receiver.resume();
      }),
    close: () => {
      sender.destroy();
      receiver.destroy();
    },
  };
}
