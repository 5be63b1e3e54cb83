package dev.tether.loadtool.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The options of a {@code loadtool run} command line as its shards must get them: every option the user gave,
 * as typed, except those a shard sets itself or must not see. Taken from picocli's parse result, so an option
 * added to {@code run} reaches the cluster without anyone listing it here.
 */
public final class RunArguments {
    /**
     * Options a shard pod does not get: the manifest's own, the shard and start time (it sets them), the outputs
     * (it writes its .hlog to the shared volume; the report pod writes the rest), the thresholds (judged on the
     * merge) and the token (a Secret, never a manifest line).
     */
    static final Set<String> NOT_FOR_SHARDS = Set.of("--emit-kubernetes", "--kube-image", "--kube-name", "--kube-cpu",
            "--kube-memory", "--kube-start-delay", "--kube-results-claim", "--shard", "--start-at", "--hlog", "--json",
            "--html", "--slo", "--auth-token", "--auth-token-file", "--help", "--version", "--processes", "--progress-json");

    private RunArguments() {
    }

    /** The options for the shards, in the order given. */
    public static List<String> forShards(ParseResult run) {
        List<String> args = new ArrayList<>();
        // A repeated option is matched once per occurrence, each time with all its values: take it once.
        for (OptionSpec o : new java.util.LinkedHashSet<>(run.matchedOptions())) {
            String name = o.longestName();
            if (NOT_FOR_SHARDS.contains(name)) {
                continue;
            }
            if (o.arity().max() == 0) {
                args.add(name);
                continue;
            }
            for (String v : o.originalStringValues()) {
                args.add(name);
                args.add(v);
            }
        }
        return args;
    }

    /** The values of one option as typed ({@code --slo} for the report pod). */
    public static List<String> values(ParseResult run, String option) {
        OptionSpec o = run.matchedOption(option);
        return o == null ? List.of() : List.copyOf(o.originalStringValues());
    }
}
