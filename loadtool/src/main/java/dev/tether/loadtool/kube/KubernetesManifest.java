package dev.tether.loadtool.kube;

import dev.tether.loadtool.run.LoadPlan;
import dev.tether.loadtool.run.PlanIdentity;
import dev.tether.loadtool.run.Shard;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A load plan as Kubernetes objects: an Indexed Job of one pod per shard (completion mode {@code Indexed},
 * completions = parallelism = N), each pod running {@code loadtool run} with the plan's own options plus
 * {@code --shard /N} (K from {@code JOB_COMPLETION_INDEX}), one {@code --start-at} for all, and
 * {@code --hlog /results/shard-K.hlog} on a shared volume; and a pod that merges those logs with
 * {@code loadtool report} and the plan's {@code --slo} thresholds once the Job is complete.
 *
 * <p>The pods' arguments are the options the user typed (see {@link RunArguments}), so a local run and a
 * cluster run of one command line are the same plan; {@code loadtool report} checks that through the plan
 * fingerprint.
 *
 * @param job    the Job (and, unless an existing claim is named, its PersistentVolumeClaim), as YAML
 * @param report the report pod, as YAML
 * @param name   the Job's name
 * @param startAt when the shards start
 */
public record KubernetesManifest(String job, String report, String name, Instant startAt) {
    /** Where the pods mount the shared volume. */
    public static final String RESULTS = "/results";
    /** The image {@code mvn -Pimage} builds, without its tag. */
    public static final String IMAGE_REPOSITORY = "tether/loadtool";
    /** Memory every pod needs besides its clients, in MiB. */
    static final int BASE_MEMORY_MIB = 384;
    /** Memory per client of a shard, in KiB: the SDK client, its buffers and the recorders' share. */
    static final int MEMORY_PER_CLIENT_KIB = 24;
    /** How long the Job may run beyond its plan (pull, JVM start, drain, report) before Kubernetes stops it. */
    static final Duration DEADLINE_MARGIN = Duration.ofMinutes(5);
    /** The one ephemeral-port sysctl pods may set without the cluster allowing unsafe sysctls. */
    static final String PORT_RANGE = "1024 65535";

    /**
     * Builds the manifest.
     *
     * @param whole    the plan, with {@link LoadPlan#shard()} giving N (K is not used)
     * @param runArgs  the run options that reproduce the plan ({@link RunArguments#forShards})
     * @param slos     the {@code --slo} thresholds as typed, for the report pod
     * @param version  loadtool's version, the default image tag
     * @param now      the current time (the default start is {@code now + --kube-start-delay})
     * @throws IllegalArgumentException when the plan cannot run in a cluster as written
     */
    public static KubernetesManifest of(LoadPlan whole, List<String> runArgs, List<String> slos, KubernetesOptions options,
                                        String version, Instant now) {
        int n = whole.shard().count();
        if (whole.embedded()) {
            throw new IllegalArgumentException("--emit-kubernetes needs --target HOST:PORT: every pod would otherwise load "
                    + "a server of its own");
        }
        if (whole.tls() != null && whole.tls().caFile() != null) {
            throw new IllegalArgumentException("--emit-kubernetes: the pods cannot read the local --tls-ca file "
                    + whole.tls().caFile() + "; use --tls (the image's system CAs) or build the CA into the image");
        }
        if (whole.tls() != null && whole.tls().clientCertificateFile() != null) {
            throw new IllegalArgumentException("--emit-kubernetes: the pods cannot read the local --tls-cert and --tls-key files "
                    + whole.tls().clientCertificateFile() + ", " + whole.tls().clientKeyFile());
        }
        String id = PlanIdentity.of(whole);
        String name = options.name != null ? options.name : "loadtool-" + id.substring(0, 8);
        if (!name.matches("[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?")) {
            throw new IllegalArgumentException("--kube-name '" + name + "' must be a DNS label: lower-case letters, digits and '-', "
                    + "at most 42 characters (Kubernetes adds to it)");
        }
        Instant startAt = whole.startAt() != null ? whole.startAt() : now.plus(options.startDelay).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String image = options.image != null ? options.image : IMAGE_REPOSITORY + ":" + version;
        int podClients = new Shard(0, n).clients(whole.clients());
        String memory = options.memory != null ? options.memory
                : (BASE_MEMORY_MIB + (podClients * (long) MEMORY_PER_CLIENT_KIB + 1023) / 1024) + "Mi";
        String claim = options.resultsClaim != null ? options.resultsClaim : name + "-results";

        List<String> args = new ArrayList<>();
        args.add("run");
        args.addAll(runArgs);
        args.addAll(List.of("--shard", "/" + n, "--start-at", startAt.toString(),
                "--hlog", RESULTS + "/shard-$(" + Shard.INDEX_VARIABLE + ").hlog"));

        Map<String, Object> labels = map("app.kubernetes.io/name", "loadtool", "app.kubernetes.io/instance", name, "tether.dev/plan", id);
        List<Object> env = new ArrayList<>();
        // Declared so that $(JOB_COMPLETION_INDEX) in the arguments is expanded by Kubernetes.
        env.add(map("name", Shard.INDEX_VARIABLE, "valueFrom", map("fieldRef",
                map("fieldPath", "metadata.annotations['batch.kubernetes.io/job-completion-index']"))));
        env.add(map("name", "JAVA_TOOL_OPTIONS", "value", "-XX:MaxRAMPercentage=75"));
        if (whole.authToken() != null) {
            env.add(map("name", "TETHER_AUTH_TOKEN", "valueFrom", map("secretKeyRef", map("name", name + "-auth", "key", "token"))));
        }
        Map<String, Object> resources = map(
                "requests", map("cpu", options.cpu, "memory", memory),
                "limits", map("cpu", options.cpu, "memory", memory));
        Map<String, Object> container = map(
                "name", "loadtool",
                "image", image,
                "imagePullPolicy", "IfNotPresent",
                "args", args,
                "env", env,
                "resources", resources,
                "securityContext", containerSecurity(),
                "volumeMounts", List.of(map("name", "results", "mountPath", RESULTS), map("name", "tmp", "mountPath", "/tmp")));
        Map<String, Object> podSpec = map(
                "restartPolicy", "Never",
                "securityContext", podSecurity(true),
                "containers", List.of(container),
                "volumes", volumes(claim));

        Duration planned = Duration.between(now, startAt).isNegative() ? Duration.ZERO : Duration.between(now, startAt);
        long rampSeconds = (long) Math.ceil(whole.clients() / whole.connectRate());
        long deadline = planned.plus(whole.warmup()).plus(whole.duration()).plus(whole.drainTimeout())
                .plusSeconds(rampSeconds).plus(DEADLINE_MARGIN).toSeconds();
        Map<String, Object> job = map(
                "apiVersion", "batch/v1",
                "kind", "Job",
                "metadata", map("name", name, "labels", labels),
                "spec", map(
                        "completionMode", "Indexed",
                        "completions", n,
                        "parallelism", n,
                        // A shard that fails is not rerun: its rerun would start late and measure another window.
                        "backoffLimit", 0,
                        "activeDeadlineSeconds", deadline,
                        "template", map("metadata", map("labels", labels), "spec", podSpec)));

        StringBuilder jobYaml = new StringBuilder();
        jobYaml.append(header(whole, n, podClients, startAt, name, options.file.toString()));
        if (options.resultsClaim == null) {
            jobYaml.append("---\n").append(Yaml.document(map(
                    "apiVersion", "v1",
                    "kind", "PersistentVolumeClaim",
                    "metadata", map("name", claim, "labels", labels),
                    "spec", map(
                            // Pods on several nodes write to it; on a one-node cluster (kind, k3s) ReadWriteOnce would do.
                            "accessModes", List.of("ReadWriteMany"),
                            "resources", map("requests", map("storage", "1Gi"))))));
        }
        jobYaml.append("---\n").append(Yaml.document(job));

        List<String> reportArgs = new ArrayList<>(List.of("report"));
        for (String slo : slos) {
            reportArgs.add("--slo");
            reportArgs.add(slo);
        }
        reportArgs.addAll(List.of("--json", RESULTS + "/report.json", "--html", RESULTS + "/report.html"));
        for (int k = 0; k < n; k++) {
            reportArgs.add(RESULTS + "/shard-" + k + ".hlog");
        }
        Map<String, Object> reportPod = map(
                "apiVersion", "v1",
                "kind", "Pod",
                "metadata", map("name", name + "-report", "labels", labels),
                "spec", map(
                        "restartPolicy", "Never",
                        "securityContext", podSecurity(false),
                        "containers", List.of(map(
                                "name", "report",
                                "image", image,
                                "imagePullPolicy", "IfNotPresent",
                                "args", reportArgs,
                                "resources", map("requests", map("cpu", "500m", "memory", "512Mi"), "limits", map("memory", "512Mi")),
                                "securityContext", containerSecurity(),
                                "volumeMounts", List.of(map("name", "results", "mountPath", RESULTS), map("name", "tmp", "mountPath", "/tmp")))),
                        "volumes", volumes(claim)));
        String reportYaml = "# Merges the shards of Job " + name + " once it is complete; its log is the merged summary, its exit\n"
                + "# code the verdict of the --slo thresholds (Succeeded = all met). See docs/KUBERNETES.md.\n"
                + Yaml.document(reportPod);
        return new KubernetesManifest(jobYaml.toString(), reportYaml, name, startAt);
    }

    private static String header(LoadPlan whole, int n, int podClients, Instant startAt, String name, String file) {
        return String.format(Locale.ROOT, """
                # Written by loadtool run --emit-kubernetes: plan %s, %d clients in %d shards (up to %d per pod),
                # starting at %s: apply it before then (or write it again), and run the report pod when the Job is complete:
                #   kubectl apply -f %s
                #   kubectl wait --for=condition=complete --timeout=%ds job/%s
                #   kubectl apply -f %s
                # Open files: Kubernetes has no per-pod limit; pods get the container runtime's (often 1048576, 524288 with
                # containerd 2). Each shard checks its limit before it connects and refuses, saying what it needs.
                """, PlanIdentity.of(whole), whole.clients(), n, podClients, startAt, file,
                Math.max(60, whole.duration().plus(whole.warmup()).plus(Duration.ofMinutes(10)).toSeconds()), name, reportFile(file));
    }

    /** Where the report pod goes, beside the Job's file: {@code job.yaml} → {@code job-report.yaml}. */
    public static String reportFile(String jobFile) {
        int dot = jobFile.lastIndexOf('.');
        int slash = Math.max(jobFile.lastIndexOf('/'), jobFile.lastIndexOf('\\'));
        return dot > slash + 1 ? jobFile.substring(0, dot) + "-report" + jobFile.substring(dot) : jobFile + "-report.yaml";
    }

    private static Map<String, Object> podSecurity(boolean shard) {
        Map<String, Object> m = map("runAsNonRoot", true, "runAsUser", 1000, "runAsGroup", 1000, "fsGroup", 1000);
        if (shard) {
            // A namespaced, "safe" sysctl: every pod has its own ports, and may use almost all of them.
            m.put("sysctls", List.of(map("name", "net.ipv4.ip_local_port_range", "value", PORT_RANGE)));
        }
        return m;
    }

    private static Map<String, Object> containerSecurity() {
        return map("allowPrivilegeEscalation", false, "readOnlyRootFilesystem", true,
                "capabilities", map("drop", List.of("ALL")));
    }

    private static List<Object> volumes(String claim) {
        return List.of(map("name", "results", "persistentVolumeClaim", map("claimName", claim)),
                map("name", "tmp", "emptyDir", map()));
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
