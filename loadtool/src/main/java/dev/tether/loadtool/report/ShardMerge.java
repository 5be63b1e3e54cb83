package dev.tether.loadtool.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks, before {@code loadtool report} merges them, that {@code .hlog} files written by shards
 * ({@code loadtool run --shard K/N}) belong together: one plan (the same fingerprint), the same N, each shard
 * once. Logs of unsharded runs are merged as before, unchecked. Missing shards are allowed (a pod that
 * failed should not hide the others' result) but named, and the merged report says how many it holds.
 */
public final class ShardMerge {
    /** Info key of the plan's fingerprint (see {@code PlanIdentity}). */
    public static final String PLAN = "plan";
    /** Info key of the shard, {@code K/N}. */
    public static final String SHARD = "shard";
    /** Info key of the agreed start time ({@code --start-at}), ISO-8601. */
    public static final String START_AT = "startAt";
    /** Info key, in a merged report, of how many shards it holds. */
    public static final String SHARDS = "shards";

    private ShardMerge() {
    }

    /** The shard identity one log declares; {@code shard} and {@code plan} are {@code null} for an unsharded run. */
    record Declared(Path file, String plan, String shard) {
    }

    /**
     * Checks the files and returns what the merged report should say about its shards ({@code null} when no
     * file is a shard).
     *
     * @throws IllegalArgumentException naming the files that do not belong together and why
     * @throws IOException              when a file cannot be read
     */
    public static String check(List<Path> files) throws IOException {
        List<Declared> declared = new ArrayList<>();
        for (Path f : files) {
            declared.add(declared(f));
        }
        return checkDeclared(declared);
    }

    static String checkDeclared(List<Declared> declared) {
        List<Declared> shards = declared.stream().filter(d -> d.shard() != null).toList();
        if (shards.isEmpty()) {
            return null;
        }
        List<String> problems = new ArrayList<>();
        for (Declared d : declared) {
            if (d.shard() == null) {
                problems.add(d.file() + " is not a shard's log (written without --shard)");
            }
        }
        Declared first = shards.get(0);
        int count = count(first);
        Map<Integer, Path> seen = new TreeMap<>();
        for (Declared d : shards) {
            if (d.plan() == null || !d.plan().equals(first.plan())) {
                problems.add(d.file() + " is shard " + d.shard() + " of plan " + d.plan() + ", but " + first.file()
                        + " is of plan " + first.plan() + ": the run options differ");
                continue;
            }
            if (count(d) != count) {
                problems.add(d.file() + " is shard " + d.shard() + ", but " + first.file() + " is shard " + first.shard());
                continue;
            }
            Path before = seen.putIfAbsent(index(d), d.file());
            if (before != null) {
                problems.add(d.file() + " and " + before + " are both shard " + d.shard() + ": one would be counted twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("these logs are not shards of one run, not merged:\n  " + String.join("\n  ", problems));
        }
        List<String> missing = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            if (!seen.containsKey(k)) {
                missing.add(k + "/" + count);
            }
        }
        return seen.size() + " of " + count + " of plan " + first.plan()
                + (missing.isEmpty() ? "" : " (missing: " + String.join(", ", missing) + ")");
    }

    private static int count(Declared d) {
        return Integer.parseInt(d.shard().substring(d.shard().indexOf('/') + 1));
    }

    private static int index(Declared d) {
        return Integer.parseInt(d.shard().substring(0, d.shard().indexOf('/')));
    }

    /** Reads the plan and shard info lines a log's header carries. */
    static Declared declared(Path file) throws IOException {
        String prefix = "#" + HlogWriter.PREFIX + "info ";
        String plan = null;
        String shard = null;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith(prefix)) {
                    continue;
                }
                String kv = line.substring(prefix.length());
                if (kv.startsWith(PLAN + "=")) {
                    plan = kv.substring(PLAN.length() + 1).trim();
                } else if (kv.startsWith(SHARD + "=") && kv.substring(SHARD.length() + 1).trim().matches("[0-9]+/[0-9]+")) {
                    shard = kv.substring(SHARD.length() + 1).trim();
                }
            }
        }
        return new Declared(file, plan, shard);
    }
}
