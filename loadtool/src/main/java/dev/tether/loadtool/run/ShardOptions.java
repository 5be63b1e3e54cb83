package dev.tether.loadtool.run;

import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --shard} and {@code --start-at}, a picocli mixin of {@code loadtool run}: which part of the plan this
 * process runs, and when. Every shard is started with the same plan options; only K differs (or comes from
 * Kubernetes' {@code JOB_COMPLETION_INDEX}).
 */
public final class ShardOptions {

    @Option(names = "--shard", paramLabel = "K/N",
            description = "Run part K of the plan split into N equal parts, K from 0 to N-1: 1/N of the clients (client ids stay "
                    + "unique across shards), of --rate and --connect-rate, and of the source addresses. /N takes K from "
                    + "JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs). Merge the shards' --hlog files with loadtool report. "
                    + "Default: the whole plan.")
    String shard;

    @Option(names = "--start-at", paramLabel = "TIME", converter = StartAt.Converter.class,
            description = "Wait until this wall-clock time, then start: ISO-8601 (2026-11-29T18:30:00Z) or seconds since the epoch. "
                    + "Shards given the same time ramp and measure together. Default: at once.")
    Instant startAt;

    @Option(names = "--processes", paramLabel = "N",
            description = "Run the plan as N shards in N child processes of this program on this machine, with one live line and "
                    + "one merged result. Default: 1, or as many as the open-file limit requires (the run says so).")
    Integer processes;

    /** The hidden option a child of {@code --processes} gets: its seconds as JSON lines on standard output. */
    static final String PROGRESS_OPTION = "--progress-json";

    @Option(names = PROGRESS_OPTION, hidden = true, description = "Internal: per-second progress as JSON lines (for run --processes).")
    boolean progressJson;

    /**
     * The hidden option a child of {@code --processes} gets instead of {@code --start-at}: it prepares its clients,
     * prints {@link ShardProgress#READY}, and starts at the time its parent then writes on its standard input (one
     * line, as {@code --start-at} takes it), so that the ramp starts once every child is ready.
     */
    static final String START_SIGNAL_OPTION = "--start-on-signal";

    @Option(names = START_SIGNAL_OPTION, hidden = true, description = "Internal: start at the time read from standard input (for run --processes).")
    boolean startOnSignal;

    /** The shard to run; {@link Shard#WHOLE} without {@code --shard}. @throws IllegalArgumentException for a bad K/N */
    public Shard shard(Map<String, String> environment) {
        return shard == null ? Shard.WHOLE : Shard.parse(shard, environment);
    }

    /** {@code --start-at}, or {@code null}. */
    public Instant startAt() {
        return startAt;
    }

    /** {@code --processes}, or {@code null} when not given (then the run picks). */
    public Integer processes() {
        return processes;
    }

    /** Whether {@code --shard} was given. */
    public boolean sharded() {
        return shard != null;
    }
}
