package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.loadtool.ConnectionOptions;
import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.InProcessServer;
import dev.tether.loadtool.LoadTool;
import dev.tether.loadtool.report.SummarySchema;
import dev.tether.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunCommandTest {
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

    @Test
    void aShortRunWritesJsonHlogAndHtmlThatAgree() throws Exception {
        Path json = dir.resolve("run.json");
        Path hlog = dir.resolve("run.hlog");
        Path html = dir.resolve("run.html");

        int code = execute("run", "--clients", "200", "--rate", "400", "--warmup", "1s", "--duration", "2s",
                "--json", json.toString(), "--hlog", hlog.toString(), "--html", html.toString(),
                "--slo", "errors<1%", "--slo", "connected>=100%", "--slo", "connect.p99<10s");

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text + err).isEqualTo(ExitCodes.OK);
        assertThat(text).contains("latency").contains("p99.99").contains("PASS errors<1%")
                .contains("  json        " + json).contains("  html        " + html).contains("  hlog        " + hlog);

        SummarySchema.assertValid(json);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.at("/parameters/ratePerSecond").asDouble()).isEqualTo(400);
        assertThat(root.at("/parameters/commandLine").asText()).startsWith("loadtool run --clients 200 --rate 400");
        long completed = root.at("/throughput/completed").asLong();
        assertThat(root.at("/schedule/scheduled").asLong()).isEqualTo(800);
        assertThat(completed + root.at("/errors/total").asLong()).isEqualTo(800);
        assertThat(root.at("/histograms/latency/count").asLong()).isEqualTo(completed);
        assertThat(root.at("/histograms/connect/count").asLong()).isEqualTo(200);
        assertThat(root.at("/clients/peakConnected").asLong()).isEqualTo(200);
        assertThat(root.at("/passed").asBoolean()).isTrue();
        assertThat(root.at("/interrupted").asBoolean(true)).isFalse();

        long latencyInLog = 0;
        HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
            if ("latency".equals(h.getTag())) {
                latencyInLog += ((org.HdrHistogram.Histogram) h).getTotalCount();
            }
        }
        reader.close();
        assertThat(latencyInLog).isEqualTo(completed);
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("<svg").doesNotContain("<script");
    }

    @Test
    void aBrokenThresholdExitsWithThree() {
        int code = execute("run", "--clients", "10", "--rate", "100", "--warmup", "0", "--duration", "1s", "--slo", "p99<1ns");
        assertThat(code).isEqualTo(ExitCodes.THRESHOLD_BROKEN);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("FAIL p99<1ns");
    }

    @Test
    void aThresholdOnAnUnknownMetricIsAUsageErrorBeforeAnythingRuns() {
        int code = execute("run", "--slo", "p99<20ms", "--slo", "conect.p99<200ms");
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown metric 'conect.p99'");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("started the reference server");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(execute("run", "--mode", "sideways")).isEqualTo(ExitCodes.USAGE);
        assertThat(execute("run", "--clients", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(execute("run", "--target", "nohostport")).isEqualTo(ExitCodes.USAGE);
        assertThat(execute("run", "--tls")).isEqualTo(ExitCodes.USAGE);
        assertThat(execute("run", "--source-address", "127.0.0.9-127.0.0.1")).isEqualTo(ExitCodes.USAGE);
        assertThat(execute("run", "--server-service-time", "soon")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a mode").contains("clients must be at least 1")
                .contains("HOST:PORT").contains("TLS needs --target").contains("ends before it starts");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        assertThat(execute("run", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--connect-rate").contains("Default: 2000")
                .contains("--source-address").contains("--slo").contains("Exit codes");
    }

    @Test
    void anOutputFileThatCannotBeWrittenIsRefusedBeforeTheRunWithTheReason() {
        Path json = dir.resolve("no-such-folder").resolve("run.json");

        int code = execute("run", "--json", json.toString());

        assertThat(code).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot write --json " + json + ": No such file or directory")
                .contains("does not exist");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("started the reference server");
        assertThat(execute("run", "--hlog", dir.toString())).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot write --hlog " + dir + ": Is a directory");
        assertThat(dir.resolve("no-such-folder")).doesNotExist();
    }

    @Test
    void whenNothingCanConnectTheReasonIsTheOperatingSystemsAndTheJsonIsStillWritten() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path json = dir.resolve("failed.json");

        int code = execute("run", "--target", "127.0.0.1:" + port, "--clients", "3", "--duration", "1s", "--json", json.toString());

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(text).contains("no client could connect to 127.0.0.1:" + port + ": Connection refused")
                .contains("  json        " + json);
        SummarySchema.assertValid(json);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.at("/failure").asText()).contains("Connection refused").doesNotContain("CONNECT_FAILED");
        assertThat(root.at("/passed").asBoolean(true)).isFalse();
        assertThat(root.at("/clients/target").asLong()).isEqualTo(3);
    }

    @Test
    void aThresholdTheModeCannotRecordIsAUsageErrorBeforeAnythingRuns() {
        int code = execute("run", "--mode", "rate", "--slo", "push.p99<5ms");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("mode rate records no push values (push is recorded in mode push)");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("Running");
    }

    @Test
    void theAuthTokenIsMaskedInTheCommandLineTheReportsShow() throws Exception {
        Path json = dir.resolve("token.json");

        int code = execute("run", "--clients", "2", "--rate", "20", "--warmup", "0", "--duration", "1s",
                "--auth-token", "s3cret", "--json", json.toString());

        assertThat(code).as(out.toString(StandardCharsets.UTF_8) + err).isEqualTo(ExitCodes.OK);
        SummarySchema.assertValid(json);
        assertThat(new ObjectMapper().readTree(json.toFile()).at("/parameters/commandLine").asText())
                .contains("--auth-token ***").doesNotContain("s3cret");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("s3cret");
    }

    @Test
    void durationsInMessagesAreWrittenAsTheyAreTyped() {
        assertThat(execute("run", "--duration", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(execute("run", "--request-timeout", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("duration must be positive: 0")
                .contains("request timeout must be positive: 0").doesNotContain("PT");
    }

    @Test
    void runWithTlsAndItsCaFileLoadsATlsServerAndWithoutTheCaFailsNamingTls() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"));
        Path json = dir.resolve("tls.json");
        try (InProcessServer server = InProcessServer.start("--port", "0", "--quiet", "--drain-timeout", "1s",
                "--tls-cert", pki.serverChainFile().toString(), "--tls-key", pki.serverKeyFile().toString())) {
            int code = execute("run", "--target", server.target(), "--tls-ca", pki.caFile().toString(), "--clients", "4",
                    "--rate", "40", "--warmup", "0", "--duration", "1s", "--json", json.toString());

            assertThat(code).as(out.toString(StandardCharsets.UTF_8) + err).isEqualTo(ExitCodes.OK);
            JsonNode root = new ObjectMapper().readTree(json.toFile());
            assertThat(root.at("/histograms/connect/count").asLong()).isEqualTo(4);
            assertThat(root.at("/errors/total").asLong()).isZero();
            long completed = root.at("/throughput/completed").asLong();
            assertThat(completed).isEqualTo(root.at("/schedule/scheduled").asLong()).isPositive();
            // Every request went over TLS to this server (a few more than the run's: its preflight).
            assertThat(server.server().stats().requestsTotal()).isGreaterThanOrEqualTo(completed);
            assertThat(server.server().stats().tlsHandshakeFailures()).isZero();

            out.reset();
            // --tls trusts the system's CAs, which never issued this throwaway certificate.
            int refused = execute("run", "--target", server.target(), "--tls", "--clients", "2", "--duration", "1s");
            assertThat(refused).isEqualTo(ExitCodes.RUN_FAILED);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("no client could connect to " + server.target() + ": TLS: ");
        }
    }

    @Test
    void aLoopbackRunWithMoreClientsThanOneAddressConnectsCheaplyGetsSourceAddresses() {
        ResourceLimits limits = new ResourceLimits(1_048_576, 20, 28_232, "32768 60999");
        java.io.StringWriter said = new java.io.StringWriter();
        LoadPlan plan = LoadPlan.builder().clients(15_000)
                .targets(List.of(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 7000))).build();

        LoadPlan spread = RunCommand.withLoopbackSources(plan, limits, new PrintWriter(said, true));

        // A quarter of the range (7,058) per address at most: 3 addresses of 5,000 connections.
        assertThat(spread.sourceAddresses()).extracting(java.net.InetAddress::getHostAddress)
                .containsExactly("127.0.0.2", "127.0.0.3", "127.0.0.4");
        assertThat(said.toString()).contains("connecting from 127.0.0.2-127.0.0.4 (--source-address)");
        assertThat(RunCommand.withLoopbackSources(plan.toBuilder().clients(7_000).build(), limits, new PrintWriter(said))
                .sourceAddresses()).isEmpty();
        LoadPlan remote = plan.toBuilder().targets(List.of(java.net.InetSocketAddress.createUnresolved("10.0.0.1", 7000))).build();
        assertThat(RunCommand.withLoopbackSources(remote, limits, new PrintWriter(said)).sourceAddresses()).isEmpty();
    }

    @Test
    void runWithAClientCertificateLoadsAServerThatRequiresOneAndWithoutItFailsNamingTls() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"));
        Path json = dir.resolve("mtls.json");
        try (InProcessServer server = InProcessServer.start("--port", "0", "--quiet", "--drain-timeout", "1s",
                "--tls-cert", pki.serverChainFile().toString(), "--tls-key", pki.serverKeyFile().toString(),
                "--tls-client-ca", pki.caFile().toString())) {
            int code = execute("run", "--target", server.target(), "--tls-ca", pki.caFile().toString(),
                    "--tls-cert", pki.clientChainFile().toString(), "--tls-key", pki.clientKeyFile().toString(),
                    "--clients", "3", "--rate", "30", "--warmup", "0", "--duration", "1s", "--json", json.toString());

            assertThat(code).as(out.toString(StandardCharsets.UTF_8) + err).isEqualTo(ExitCodes.OK);
            JsonNode root = new ObjectMapper().readTree(json.toFile());
            assertThat(root.at("/histograms/connect/count").asLong()).isEqualTo(3);
            assertThat(root.at("/errors/total").asLong()).isZero();
            assertThat(root.at("/throughput/completed").asLong()).isPositive();
            assertThat(server.server().stats().tlsHandshakeFailures()).isZero();

            out.reset();
            int refused = execute("run", "--target", server.target(), "--tls-ca", pki.caFile().toString(),
                    "--clients", "2", "--duration", "1s");
            assertThat(refused).isEqualTo(ExitCodes.RUN_FAILED);
            // The alert's wording is the JDK's (17: "Received fatal alert: bad_certificate"; 25 puts
            // "(certificate_required) " before it); what it says, and our hint, are ours.
            assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern(
                    java.util.regex.Pattern.quote("no client could connect to " + server.target() + ": TLS: ")
                    + ".*Received fatal alert: (bad_certificate|certificate_required) "
                    + java.util.regex.Pattern.quote("(" + ConnectionOptions.CERTIFICATE_REFUSED + ")"));
            // Refused for certain, the clients stopped: one attempt each (two warm-up clients, then the run's two). The
            // server counts a failure on its own loop, maybe just after its alert left: poll with a deadline.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (server.server().stats().tlsHandshakeFailures() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(server.server().stats().tlsHandshakeFailures()).isEqualTo(4);
        }
    }

    @Test
    void aClientCertificateWithoutItsKeyOrAnUnusableKeyIsAUsageErrorNamingTheFile() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"));
        assertThat(execute("run", "--target", "127.0.0.1:1", "--tls-cert", pki.clientChainFile().toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(execute("run", "--target", "127.0.0.1:1", "--tls-cert", pki.clientChainFile().toString(),
                "--tls-key", pki.clientChainFile().toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--tls-cert needs --tls-key")
                .contains("the private key file " + pki.clientChainFile() + " holds no unencrypted PKCS#8 PEM key");
    }
}
