package dev.tether.loadtool.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The resident memory (RSS) of the processes of a fanned-out run, read from {@code /proc/PID/status} (Linux): what
 * the client and server processes hold, JVMs included, for the summary's memory per connection. Elsewhere, or for a
 * process that has ended, it reads nothing.
 */
final class ResidentMemory {
    private final Path proc;
    private long peakClientBytes;
    private long peakServerBytes;
    private int connectedAtPeak;

    /** @param proc where {@code PID/status} files are ({@code /proc}; a directory of fakes in tests) */
    ResidentMemory(Path proc) {
        this.proc = proc;
    }

    /** One process's resident bytes, or -1 when unknown. */
    long rss(long pid) {
        try {
            for (String line : Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // always kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or the process has ended.
        }
        return -1;
    }

    /**
     * Takes one sample: the clients' and the servers' resident bytes with {@code connected} clients. Keeps the sample
     * with the most connections (the latest of equals: the heaps have grown to hold them), when every process answered.
     */
    synchronized void sample(List<Long> clientPids, List<Long> serverPids, int connected) {
        long clients = sum(clientPids);
        long servers = serverPids.isEmpty() ? 0 : sum(serverPids);
        if (clients < 0 || servers < 0 || connected < connectedAtPeak || connected == 0) {
            return;
        }
        connectedAtPeak = connected;
        peakClientBytes = clients;
        peakServerBytes = servers;
    }

    private long sum(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            long r = rss(pid);
            if (r < 0) {
                return -1;
            }
            total += r;
        }
        return total;
    }

    synchronized long clientBytes() {
        return peakClientBytes;
    }

    synchronized long serverBytes() {
        return peakServerBytes;
    }

    synchronized int connected() {
        return connectedAtPeak;
    }
}
