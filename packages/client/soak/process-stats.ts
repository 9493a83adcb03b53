// What the operating system says about one process (Linux /proc): its resident memory and the
// local ports of its TCP sockets. The ports tell which of a server's clients are that process's:
// Redis lists each client by its address (CLIENT LIST addr=127.0.0.1:<port>), so counting the
// API's own clients needs no cooperation from the API and is not disturbed by anyone else's.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** Resident set size in bytes (VmRSS). */
export function residentBytesOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/** The local ports of the TCP sockets (IPv4 and IPv6) that process `pid` holds open. */
export function localTcpPortsOf(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed since the listing
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports = new Set<number>();
  for (const table of ["tcp", "tcp6"]) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, "utf8").split("\n").slice(1)) {
      const columns = line.trim().split(/\s+/);
      const [, localAddress, , , , , , , , inode] = columns;
      if (inode === undefined || localAddress === undefined || !inodes.has(inode)) continue;
      ports.add(Number.parseInt(localAddress.slice(localAddress.lastIndexOf(":") + 1), 16));
    }
  }
  return ports;
}
