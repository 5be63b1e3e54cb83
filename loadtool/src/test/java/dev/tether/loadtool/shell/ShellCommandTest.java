package dev.tether.loadtool.shell;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.ConnectionOptions;
import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.InProcessServer;
import dev.tether.testing.TestCertificates;
import dev.tether.server.ReferenceServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code loadtool shell < script.txt}: commands line by line, plain results, an exit code for scripts. */
class ShellCommandTest {
    private ReferenceServer server;

    @BeforeEach
    void start() {
        server = ReferenceServer.builder().host("127.0.0.1").port(0).drainTimeout(Duration.ofMillis(200)).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run shell(String script, String... args) {
        ShellCommand command = new ShellCommand();
        command.in = new ByteArrayInputStream(script.getBytes(UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        command.out = new PrintStream(out, true, UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = new CommandLine(command).setErr(new java.io.PrintWriter(err, true, UTF_8));
        int code = cl.execute(args);
        return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
    }

    @Test
    void aScriptPrintsPlainResultsWithoutPrompts() {
        String target = "127.0.0.1:" + server.port();
        Run run = shell("# a comment\nstatus\n\nrequest hello script\nsend one-way\npushes off\n",
                "--target", target, "--script");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .startsWith("connected to " + target)
                .containsPattern("state +connected")
                .containsPattern("\\Rhello script\\R\\(12 bytes, \\d+\\.\\d{3} ms\\)\\R")
                .contains("sent 7 bytes", "pushes off")
                .doesNotContain("tether ", "> ")
                .endsWith("disconnected from " + target + System.lineSeparator());
    }

    @Test
    void aFailedCommandIsReportedTheScriptGoesOnAndTheExitCodeSaysSo() {
        Run run = shell("stauts\nconnect 127.0.0.1:" + server.port() + "\nrequest still runs\nexit\nrequest never\n",
                "--script");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(run.out())
                .contains("error: unknown command 'stauts'; did you mean 'status'?")
                .contains("still runs")
                .doesNotContain("never");
    }

    @Test
    void anEmptyOrUnreadableTokenIsAUsageError() {
        Run empty = shell("", "--auth-token", "", "--script");
        assertThat(empty.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(empty.err()).contains("--auth-token is empty");
        Run missing = shell("", "--auth-token-file", "no-such-token-file", "--script");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("cannot read --auth-token-file no-such-token-file");
    }

    @Test
    void aBadTargetIsAUsageError() {
        Run run = shell("", "--target", "nowhere", "--script");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--target: 'nowhere' is not a target");
    }

    @Test
    void theShellTalksTlsToALoadtoolServerWithTlsAndRefusesAnUntrustedOne(@TempDir Path dir) throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"));
        TestCertificates other = TestCertificates.create(dir.resolve("other"), "Other");
        try (InProcessServer tls = InProcessServer.start("--port", "0", "--quiet", "--drain-timeout", "1s",
                "--tls-cert", pki.serverChainFile().toString(), "--tls-key", pki.serverKeyFile().toString())) {
            Run run = shell("request over tls\nsend one-way\nstatus\n", "--target", tls.target(), "--tls-ca", pki.caFile().toString(),
                    "--script");
            assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
            assertThat(run.out()).startsWith("connected to " + tls.target() + " (").contains("TLS, ")
                    .containsPattern("\\Rover tls\\R").contains("sent 7 bytes").contains("(TLS)");

            Run untrusted = shell("status\n", "--target", tls.target(), "--tls-ca", other.caFile().toString(), "--script");
            assertThat(untrusted.exitCode()).isEqualTo(ExitCodes.RUN_FAILED);
            assertThat(untrusted.out()).contains("error: connect to " + tls.target() + " failed: TLS: ");
        }
    }

    @Test
    void theShellPresentsAClientCertificateToAServerThatRequiresOne(@TempDir Path dir) throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"));
        try (InProcessServer mtls = InProcessServer.start("--port", "0", "--quiet", "--drain-timeout", "1s",
                "--tls-cert", pki.serverChainFile().toString(), "--tls-key", pki.serverKeyFile().toString(),
                "--tls-client-ca", pki.caFile().toString(), "--tls-client-auth", "require")) {
            Run run = shell("request mutual\nsend one-way\nstatus\n", "--target", mtls.target(), "--tls-ca", pki.caFile().toString(),
                    "--tls-cert", pki.clientChainFile().toString(), "--tls-key", pki.clientKeyFile().toString(), "--script");
            assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
            assertThat(run.out()).startsWith("connected to " + mtls.target() + " (").contains("TLS, ")
                    .containsPattern("\\Rmutual\\R").contains("sent 7 bytes");

            Run without = shell("status\n", "--target", mtls.target(), "--tls-ca", pki.caFile().toString(), "--script");
            assertThat(without.exitCode()).isEqualTo(ExitCodes.RUN_FAILED);
            // The alert's wording is the JDK's (17: "Received fatal alert: bad_certificate"; 25 puts
            // "(certificate_required) " before it); what it says, and our hint, are ours.
            assertThat(without.out()).containsPattern(java.util.regex.Pattern.quote("error: connect to " + mtls.target() + " failed: TLS: ")
                    + ".*Received fatal alert: (bad_certificate|certificate_required) "
                    + java.util.regex.Pattern.quote("(" + ConnectionOptions.CERTIFICATE_REFUSED + ")"));
        }
    }
}
