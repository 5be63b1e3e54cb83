package dev.tether.loadtool.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.LoadTool;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The manifest as Kubernetes reads it: parsed with fabric8's model, checked field by field. */
class KubernetesManifestTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int execute(String... args) {
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    private static List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> it = YAML.readerForMapOf(Object.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                Map<String, Object> d = it.next();
                if (d != null && !d.isEmpty()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    private static <T> T only(List<Map<String, Object>> docs, String kind, Class<T> type) {
        List<T> found = docs.stream().filter(d -> kind.equals(d.get("kind"))).map(d -> YAML.convertValue(d, type)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private Path emit(String... extra) {
        Path file = dir.resolve("job.yaml");
        List<String> args = new ArrayList<>(List.of("run", "--target", "10.0.0.5:7000", "--target", "10.0.0.6:7000",
                "--clients", "1000", "--rate", "5000", "--duration", "1m", "--source-address", "10.1.0.2-10.1.0.9",
                "--slo", "p99<20ms", "--slo", "errors<0.1%", "--json", "local.json", "--shard", "/4",
                "--start-at", "2026-11-29T18:30:00Z", "--emit-kubernetes", file.toString()));
        args.addAll(List.of(extra));
        assertThat(execute(args.toArray(String[]::new))).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(ExitCodes.OK);
        return file;
    }

    @Test
    void anIndexedJobOfOnePodPerShardStartingTogether() throws Exception {
        Path file = emit();

        List<Map<String, Object>> docs = documents(file);
        Job job = only(docs, "Job", Job.class);
        assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(job.getSpec().getCompletions()).isEqualTo(4);
        assertThat(job.getSpec().getParallelism()).isEqualTo(4);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isPositive();
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        Container c = pod.getContainers().get(0);
        assertThat(c.getArgs()).startsWith("run").containsSequence("--shard", "/4")
                .containsSequence("--start-at", "2026-11-29T18:30:00Z")
                .containsSequence("--hlog", "/results/shard-$(JOB_COMPLETION_INDEX).hlog")
                .containsSequence("--target", "10.0.0.5:7000", "--target", "10.0.0.6:7000")
                .containsSequence("--source-address", "10.1.0.2-10.1.0.9")
                .doesNotContain("--json", "local.json", "--slo", "--emit-kubernetes");
        EnvVar index = c.getEnv().stream().filter(e -> e.getName().equals("JOB_COMPLETION_INDEX")).findFirst().orElseThrow();
        assertThat(index.getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
        // 250 clients a pod: 384Mi + 250 x 24Ki.
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("1")).containsEntry("memory", new Quantity("390Mi"));
        assertThat(c.getResources().getLimits()).containsEntry("cpu", new Quantity("1")).containsEntry("memory", new Quantity("390Mi"));
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSysctls()).singleElement()
                .satisfies(s -> assertThat(s.getName() + "=" + s.getValue()).isEqualTo("net.ipv4.ip_local_port_range=1024 65535"));
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/results"));
        String claim = pod.getVolumes().stream().filter(v -> v.getName().equals("results")).findFirst().orElseThrow()
                .getPersistentVolumeClaim().getClaimName();
        PersistentVolumeClaim pvc = only(docs, "PersistentVolumeClaim", PersistentVolumeClaim.class);
        assertThat(pvc.getMetadata().getName()).isEqualTo(claim);
        assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
        assertThat(Files.readString(file)).contains("# Open files:");

        Pod report = only(documents(dir.resolve("job-report.yaml")), "Pod", Pod.class);
        Container r = report.getSpec().getContainers().get(0);
        assertThat(r.getArgs()).startsWith("report").containsSequence("--slo", "p99<20ms", "--slo", "errors<0.1%")
                .contains("/results/shard-0.hlog", "/results/shard-3.hlog").doesNotContain("/results/shard-4.hlog");
        assertThat(report.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo(claim);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("kubectl apply -f " + file).contains("kubectl wait");
    }

    @Test
    void thePodsRunTheSamePlanAsTheCommandLine() throws Exception {
        Job first = only(documents(emit()), "Job", Job.class);
        List<String> podArgs = first.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        String plan = first.getMetadata().getLabels().get("tether.dev/plan");

        // The pod's own command line, written as a manifest again: the same plan, the same arguments.
        Path again = dir.resolve("again.yaml");
        List<String> args = new ArrayList<>(podArgs);
        args.addAll(List.of("--emit-kubernetes", again.toString()));
        assertThat(execute(args.toArray(String[]::new))).isEqualTo(ExitCodes.OK);
        Job second = only(documents(again), "Job", Job.class);

        assertThat(second.getMetadata().getLabels().get("tether.dev/plan")).isEqualTo(plan);
        assertThat(second.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).isEqualTo(podArgs);
    }

    @Test
    void theTokenTravelsInASecretNeverInTheManifest() throws Exception {
        Path file = emit("--auth-token", "s3cret-token");

        assertThat(Files.readString(file)).doesNotContain("s3cret-token");
        Container c = only(documents(file), "Job", Job.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        EnvVar token = c.getEnv().stream().filter(e -> e.getName().equals("TETHER_AUTH_TOKEN")).findFirst().orElseThrow();
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
    }

    @Test
    void withoutAStartTimeTheShardsStartAfterTheDelay() throws Exception {
        Path file = dir.resolve("later.yaml");
        Instant before = Instant.now();
        assertThat(execute("run", "--target", "10.0.0.5:7000", "--clients", "10", "--shard", "/2", "--kube-start-delay", "90s",
                "--kube-results-claim", "shared", "--emit-kubernetes", file.toString())).isEqualTo(ExitCodes.OK);

        List<Map<String, Object>> docs = documents(file);
        assertThat(docs.stream().map(d -> d.get("kind"))).containsExactly("Job");
        List<String> args = only(docs, "Job", Job.class).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        Instant startAt = Instant.parse(args.get(args.indexOf("--start-at") + 1));
        assertThat(startAt).isBetween(before.plusSeconds(89), Instant.now().plusSeconds(90));
    }

    @Test
    void whatCannotRunInAClusterIsAUsageError() {
        Path file = dir.resolve("x.yaml");
        assertThat(execute("run", "--clients", "10", "--shard", "/2", "--emit-kubernetes", file.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(execute("run", "--target", "h:1", "--emit-kubernetes", file.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(execute("run", "--target", "h:1", "--shard", "/2", "--kube-name", "Not_A_Label", "--emit-kubernetes", file.toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("needs --target").contains("needs --shard /N").contains("DNS label");
        assertThat(file).doesNotExist();
    }

    @Test
    void yamlStringsAreQuotedSoNothingChangesType() {
        assertThat(Yaml.scalar("1024 65535")).isEqualTo("\"1024 65535\"");
        assertThat(Yaml.scalar("true")).isEqualTo("\"true\"");
        assertThat(Yaml.scalar("a\"b\n#c")).isEqualTo("\"a\\\"b\\n#c\"");
        assertThat(Yaml.scalar(4)).isEqualTo("4");
    }
}
