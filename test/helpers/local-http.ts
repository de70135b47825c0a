import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Loopback HTTP servers a test starts (scrape targets, backends), all closed at once by `close()`. */
export interface LocalServers {
  /** starts a server on a free loopback port; returns its `host:port` */
  serve(handler: RequestListener): Promise<string>;
  /** a remote-write backend that accepts everything (204) and keeps nothing but a count of writes */
  sink(): Promise<{ address: string; writes: () => number }>;
  close(): void;
}

export function localServers(): LocalServers {
  const servers: Server[] = [];
  const serve = async (handler: RequestListener): Promise<string> => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  return {
    serve,
    async sink() {
      let writes = 0;
      const address = await serve((request, response) => {
        request.resume();
        request.on('end', () => {
          writes += 1;
          response.writeHead(204).end();
        });
      });
      return { address, writes: () => writes };
    },
    close() {
      for (const server of servers.splice(0)) {
        server.closeAllConnections();
        server.close();
      }
    },
  };
}
