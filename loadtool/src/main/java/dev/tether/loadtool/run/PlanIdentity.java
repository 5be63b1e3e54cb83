package dev.tether.loadtool.run;

import dev.tether.server.Durations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A short fingerprint of what a plan asks for, the same in every shard of it: a hash of the whole plan's
 * parameters and its shard count, without the shard's own number, the outputs, the start time or this
 * machine's tuning ({@code --io-threads}). Targets count as written ({@code host:port}, unresolved: a pod may resolve
 * a name another way than the machine that wrote its manifest). Each shard writes it into its {@code .hlog}, and
 * {@code loadtool report} refuses to merge shard logs whose fingerprints differ. The auth token counts
 * as set or not, never by value.
 */
public final class PlanIdentity {
    private PlanIdentity() {
    }

    /** The fingerprint of {@code whole} (the plan before it is split), 16 hex digits. */
    public static String of(LoadPlan whole) {
        String canonical = String.join("|",
                "targets=" + whole.targets().stream().map(t -> t.getHostString() + ":" + t.getPort()).toList(),
                "clients=" + whole.clients(),
                "connectRate=" + number(whole.connectRate()),
                "duration=" + duration(whole.duration()),
                "warmup=" + duration(whole.warmup()),
                "mode=" + whole.mode().label(),
                "rate=" + number(whole.rate()),
                "outstanding=" + whole.outstanding(),
                "size=" + whole.size(),
                "heartbeat=" + duration(whole.heartbeat()),
                "requestTimeout=" + duration(whole.requestTimeout()),
                "sourceAddresses=" + whole.sourceAddresses().stream().map(java.net.InetAddress::getHostAddress).toList(),
                "tls=" + whole.tls(),
                "auth=" + (whole.authToken() != null),
                "serverServiceTime=" + whole.serverServiceTime(),
                "pushRate=" + number(whole.pushRate()),
                "lateThreshold=" + duration(whole.lateThreshold()),
                "drainTimeout=" + duration(whole.drainTimeout()),
                "firstClient=" + whole.firstClient(),
                "mix=" + (whole.mix() == null ? "none" : whole.mix().fingerprint() + "/" + whole.mix().seed()),
                "shards=" + whole.shard().count());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static String duration(Duration d) {
        return d == null ? "default" : Durations.format(d);
    }
}
