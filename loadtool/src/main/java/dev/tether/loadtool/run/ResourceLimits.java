package dev.tether.loadtool.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operating-system limits a run must fit in: open files (each client is a socket; an embedded
 * server holds one more per client) and ephemeral ports per source address. {@link #current()} reads
 * them from the JVM and {@code /proc}; tests hand in their own.
 *
 * @param maxOpenFiles    the process's open-file limit ({@code ulimit -n}), -1 when unknown
 * @param openFiles       files open now, -1 when unknown
 * @param ephemeralPorts  local ports the kernel hands out per source address, -1 when unknown
 * @param portRange       the range as the kernel states it, for messages
 */
public record ResourceLimits(long maxOpenFiles, long openFiles, int ephemeralPorts, String portRange) {

    /** No limits known: every check passes. */
    public static final ResourceLimits UNKNOWN = new ResourceLimits(-1, -1, -1, "unknown");

    /** The limits of this process on this machine. */
    public static ResourceLimits current() {
        long max = -1;
        long open = -1;
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            com.sun.management.UnixOperatingSystemMXBean unix = (com.sun.management.UnixOperatingSystemMXBean) os;
            max = unix.getMaxFileDescriptorCount();
            open = unix.getOpenFileDescriptorCount();
        }
        int ports = -1;
        String range = "unknown";
        try {
            String text = readSysctl(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
            String[] parts = text.split("\\s+");
            ports = Integer.parseInt(parts[1]) - Integer.parseInt(parts[0]) + 1;
            range = parts[0] + " " + parts[1];
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no /proc: the port check is skipped.
        }
        return new ResourceLimits(max, open, ports, range);
    }

    /**
     * A sysctl's value. Read in one go: a sysctl file answers only a read from its start, so a reader that takes one
     * byte first and then the rest ({@code Files.readString}, for a file whose size says 0) gets just that byte.
     */
    static String readSysctl(Path file) throws IOException {
        try (java.io.BufferedReader r = Files.newBufferedReader(file)) {
            String line = r.readLine();
            if (line == null) {
                throw new IOException(file + " is empty");
            }
            return line.trim();
        }
    }
}
