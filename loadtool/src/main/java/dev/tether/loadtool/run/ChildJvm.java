package dev.tether.loadtool.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of a child JVM of this program: the client shards of {@code run --processes} and the
 * {@code loadtool server --reuse-port} processes. A child does simple I/O work and must be ready within seconds,
 * often a dozen of them starting together on a few cores, so it gets options that make a JVM start cheap:
 * <ul>
 *   <li>{@code -XX:TieredStopAtLevel=1}: the C1 compiler only. C2's optimisations buy little on code that mostly
 *       waits for sockets, and its compile threads would compete with the ramp for the cores;</li>
 *   <li>{@code -XX:-UsePerfData}: no shared-memory statistics file per JVM;</li>
 *   <li>{@code -XX:+ExitOnOutOfMemoryError}: a child out of memory ends (and the parent says so) rather than limps.</li>
 * </ul>
 * The collector stays the JVM's default (G1): the serial one, tried for its single thread, paused the servers for
 * 0.8-1.2 s at a time on a loaded machine, against 0.2-0.4 s for G1 (docs/BENCHMARKS.md). {@value #OPTIONS_VARIABLE}
 * (options separated by spaces) comes after these, so it adds to them and, for the same option, wins.
 */
final class ChildJvm {
    /** The environment variable with more options for every child JVM. */
    static final String OPTIONS_VARIABLE = "TETHER_CHILD_JAVA_OPTIONS";
    /** What every child gets before {@value #OPTIONS_VARIABLE}. */
    static final List<String> DEFAULT_OPTIONS = List.of("-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    private ChildJvm() {
    }

    /**
     * {@code java [options] -cp CLASSPATH dev.tether.loadtool.LoadTool SUBCOMMAND}, with this JVM's {@code java} and
     * class path; the caller adds the subcommand's arguments.
     */
    static List<String> command(String subcommand, Map<String, String> environment) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options(environment.get(OPTIONS_VARIABLE)));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), dev.tether.loadtool.LoadTool.class.getName(), subcommand));
        return command;
    }

    /** The JVM options: the defaults, then {@code extra} (may be {@code null}) split at white space. */
    static List<String> options(String extra) {
        List<String> options = new ArrayList<>(DEFAULT_OPTIONS);
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }
}
