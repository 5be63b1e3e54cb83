package dev.tether.loadtool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ConnectionOptionsTest {
    @TempDir
    Path dir;

    @Command(name = "probe")
    static final class Probe {
        @Mixin
        ConnectionOptions connection;
    }

    private ConnectionOptions parse(Map<String, String> env, String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        probe.connection.environment = env::get;
        return probe.connection;
    }

    @Test
    void theTokenComesFromTheOptionTheFileOrTheEnvironmentInThatOrder() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), " s3cret \n\n", StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(ConnectionOptions.TOKEN_ENV, "from-env");

        assertThat(parse(env, "--auth-token", "given").authToken()).isEqualTo("given");
        // Trailing whitespace only, as the help says: a leading space is part of the token.
        assertThat(parse(env, "--auth-token-file", file.toString()).authToken()).isEqualTo(" s3cret");
        assertThat(parse(env).authToken()).isEqualTo("from-env");
        assertThat(parse(Map.of()).authToken()).isNull();
    }

    @Test
    void anEmptyTokenIsRefusedWithoutShowingAnyToken() throws Exception {
        Path blank = Files.writeString(dir.resolve("blank"), " \n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parse(Map.of(), "--auth-token", "").authToken())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--auth-token is empty");
        assertThatThrownBy(() -> parse(Map.of(), "--auth-token-file", blank.toString()).authToken())
                .hasMessageContaining("holds no token");
        assertThatThrownBy(() -> parse(Map.of(ConnectionOptions.TOKEN_ENV, ""), new String[0]).authToken())
                .hasMessageContaining(ConnectionOptions.TOKEN_ENV + " is set but empty");
        assertThatThrownBy(() -> parse(Map.of(), "--auth-token", "abc", "--auth-token-file", blank.toString()).authToken())
                .hasMessageContaining("not both").hasMessageNotContaining("abc");
        assertThat(parse(Map.of(), "--auth-token", "hunter2").toString()).doesNotContain("hunter2");
    }

    @Test
    void aMissingTokenFileSaysWhyInTheOperatingSystemsWords() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> parse(Map.of(), "--auth-token-file", missing.toString()).authToken())
                .hasMessage("cannot read --auth-token-file " + missing + ": No such file or directory");
    }

    @Test
    void optionsGivenOnTopOverrideTheBase() {
        ConnectionOptions base = ConnectionOptions.of("base-token", false, dir.resolve("ca.pem"), false);
        assertThat(parse(Map.of()).overriding(base).authToken()).isEqualTo("base-token");
        assertThat(parse(Map.of(), "--auth-token", "mine").overriding(base).authToken()).isEqualTo("mine");
        ConnectionOptions tls = parse(Map.of(), "--tls-insecure").overriding(base);
        assertThat(tls.usesTls()).isTrue();
        assertThat(tls.tlsInsecure()).isTrue();
        assertThat(tls.tlsCa()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(parse(Map.of()).usesTls()).isFalse();
    }

    @Test
    void aClientCertificateTurnsTlsOnGoesWithItsKeyAndIsReadWhenTheOptionsAreUsed() {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"));
        String chain = pki.clientChainFile().toString();
        String key = pki.clientKeyFile().toString();
        ConnectionOptions mtls = parse(Map.of(), "--tls-ca", pki.caFile().toString(), "--tls-cert", chain, "--tls-key", key);
        assertThat(mtls.usesTls()).isTrue();
        assertThat(mtls.tlsOptions().clientCertificateChain()).hasSize(1);
        assertThat(mtls.tlsOptions().trustedCertificates()).hasSize(1);
        assertThat(parse(Map.of(), "--tls-cert", chain, "--tls-key", key).tlsOptions().clientPrivateKey()).isNotNull();

        assertThatThrownBy(() -> parse(Map.of(), "--tls-cert", chain).tlsOptions())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--tls-cert needs --tls-key (the certificate's private key)");
        assertThatThrownBy(() -> parse(Map.of(), "--tls-key", key).tlsOptions())
                .hasMessage("--tls-key needs --tls-cert (the certificate it belongs to)");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> parse(Map.of(), "--tls-cert", chain, "--tls-key", missing.toString()).tlsOptions())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("cannot read the private key file " + missing + ": no such file");

        // A certificate given on a shell line replaces the base's certificate and key as a pair.
        ConnectionOptions base = parse(Map.of(), "--tls-cert", chain, "--tls-key", key);
        assertThat(parse(Map.of()).overriding(base).tlsCert()).isEqualTo(pki.clientChainFile());
        ConnectionOptions half = parse(Map.of(), "--tls-cert", pki.serverChainFile().toString()).overriding(base);
        assertThat(half.tlsKey()).isNull();
        assertThatThrownBy(half::tlsOptions).hasMessageContaining("--tls-cert needs --tls-key");
    }
}
