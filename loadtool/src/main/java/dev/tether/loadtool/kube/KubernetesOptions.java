package dev.tether.loadtool.kube;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --emit-kubernetes} and its settings, a picocli mixin of {@code loadtool run}: instead of running the
 * plan, write it as a Kubernetes Indexed Job of one pod per shard (see {@link KubernetesManifest}).
 */
public final class KubernetesOptions {
    /** How long after the manifest is written the shards start, by default: time to apply it and pull the image. */
    public static final Duration DEFAULT_START_DELAY = Duration.ofMinutes(3);
    /** CPU each pod asks for. */
    public static final String DEFAULT_CPU = "1";

    @Option(names = "--emit-kubernetes", paramLabel = "FILE",
            description = "Do not run: write the plan as a Kubernetes Indexed Job of N pods (N from --shard /N), each running its "
                    + "shard and writing its .hlog to a shared volume, and beside it FILE-report.yaml, a pod that merges them "
                    + "with loadtool report and the --slo thresholds. See docs/KUBERNETES.md.")
    Path file;

    @Option(names = "--kube-image", paramLabel = "IMAGE",
            description = "Container image of loadtool (built with mvn -Pimage; see docs/KUBERNETES.md). Default: tether/loadtool:VERSION.")
    String image;

    @Option(names = "--kube-name", paramLabel = "NAME",
            description = "Name of the Job (and prefix of the volume claim and report pod). Default: loadtool-<plan fingerprint>.")
    String name;

    @Option(names = "--kube-cpu", paramLabel = "CPU", defaultValue = DEFAULT_CPU,
            description = "CPU each pod requests (and is limited to). Default: ${DEFAULT-VALUE}.")
    String cpu;

    @Option(names = "--kube-memory", paramLabel = "QUANTITY",
            description = "Memory each pod requests (and is limited to), e.g. 2Gi. Default: 384Mi plus 24Ki per client of the shard.")
    String memory;

    @Option(names = "--kube-start-delay", paramLabel = "DURATION", defaultValue = "3m",
            description = "Without --start-at: the shards start this long after the manifest is written. Default: ${DEFAULT-VALUE}.")
    Duration startDelay;

    @Option(names = "--kube-results-claim", paramLabel = "CLAIM",
            description = "An existing PersistentVolumeClaim (ReadWriteMany across nodes) for the .hlog files. "
                    + "Default: the manifest creates NAME-results.")
    String resultsClaim;

    /** Whether {@code --emit-kubernetes} was given. */
    public boolean requested() {
        return file != null;
    }

    public Path file() {
        return file;
    }
}
