package dev.tether.loadtool.run;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * One of {@code count} equal parts of a load plan, numbered from 0 as Kubernetes numbers the pods of an
 * Indexed Job ({@code JOB_COMPLETION_INDEX}). Shard {@code k} of {@code n} runs a contiguous block of the
 * plan's clients (the first {@code clients % n} shards take one client more), the same share of the total
 * request and connect rates (so every client runs at the rate it would in one process), and its share of the
 * source addresses. Its clients keep their numbers in the whole plan, so client ids are unique across shards.
 *
 * @param index this part, {@code 0 <= index < count}
 * @param count how many parts the plan is split into; 1 = the whole plan
 */
public record Shard(int index, int count) {
    /** The whole plan, unsplit. */
    public static final Shard WHOLE = new Shard(0, 1);
    /** Where Kubernetes Indexed Jobs put the pod's index. */
    public static final String INDEX_VARIABLE = "JOB_COMPLETION_INDEX";

    public Shard {
        if (count < 1) {
            throw new IllegalArgumentException("the shard count must be at least 1: " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " does not exist: shards are numbered from 0 "
                    + "(as Kubernetes' " + INDEX_VARIABLE + "), 0.." + (count - 1));
        }
    }

    /**
     * Parses {@code K/N} (shard K of N, K from 0) or {@code /N} (K from {@value #INDEX_VARIABLE} in
     * {@code environment}).
     *
     * @throws IllegalArgumentException naming the text, or the missing or bad environment variable
     */
    public static Shard parse(String text, Map<String, String> environment) {
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash < 0 || slash != t.lastIndexOf('/')) {
            throw new IllegalArgumentException("--shard '" + text + "' must be K/N (e.g. 0/4) or /N with K in " + INDEX_VARIABLE);
        }
        int count = number(t.substring(slash + 1), "--shard '" + text + "': N");
        String k = t.substring(0, slash).trim();
        if (k.isEmpty()) {
            String env = environment.get(INDEX_VARIABLE);
            if (env == null || env.isBlank()) {
                throw new IllegalArgumentException("--shard '" + text + "' takes K from " + INDEX_VARIABLE
                        + ", which is not set (Kubernetes sets it in Indexed Jobs; elsewhere write --shard K/" + count + ")");
            }
            return new Shard(number(env, INDEX_VARIABLE + "='" + env + "'"), count);
        }
        return new Shard(number(k, "--shard '" + text + "': K"), count);
    }

    private static int number(String text, String what) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a whole number");
        }
    }

    /** Whether this is a proper part, not the whole plan. */
    public boolean isPart() {
        return count > 1;
    }

    /** How many of {@code total} clients this shard runs. */
    public int clients(int total) {
        return total / count + (index < total % count ? 1 : 0);
    }

    /** The number, in the whole plan, of this shard's first client. */
    public int firstClient(int total) {
        return index * (total / count) + Math.min(index, total % count);
    }

    /** This shard's share of a rate over all clients: in proportion to its clients. */
    public double share(double totalRate, int totalClients) {
        return totalRate * clients(totalClients) / totalClients;
    }

    /**
     * This shard's source addresses: a contiguous block of them when there are at least as many as shards,
     * otherwise one, taken in turn (shards then share addresses). Empty stays empty (the kernel picks).
     */
    public List<InetAddress> sourceAddresses(List<InetAddress> all) {
        if (all.isEmpty()) {
            return List.of();
        }
        if (all.size() < count) {
            return List.of(all.get(index % all.size()));
        }
        int from = firstClient(all.size());
        return List.copyOf(all.subList(from, from + clients(all.size())));
    }

    /** {@code K/N}, as {@code --shard} takes it. */
    @Override
    public String toString() {
        return index + "/" + count;
    }
}
