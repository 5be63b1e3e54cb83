package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectOptionsTest {
    private static final Set<String> VALUED = Set.of("--auth-token", "--tls-ca");
    private static final Set<String> FLAGS = Set.of("--tls", "--tls-insecure");

    private static CommandInput.Parsed line(String text) {
        return CommandInput.parse(text).options(VALUED, FLAGS);
    }

    @Test
    void plainIsPlaintextWithoutAToken() {
        assertThat(ConnectOptions.PLAIN.usesTls()).isFalse();
        assertThat(ConnectOptions.PLAIN.tlsOptions()).isNull();
        assertThat(ConnectOptions.PLAIN.authToken()).isNull();
    }

    @Test
    void aConnectLineOverridesTheShellsOptions() {
        ConnectOptions shell = new ConnectOptions("from-shell", false, null, false);
        ConnectOptions same = shell.overriddenBy(line("connect h:1"), Path.of("/base"));
        assertThat(same).isEqualTo(shell);

        ConnectOptions other = shell.overriddenBy(line("connect --auth-token t2 --tls-ca ca.pem h:1"), Path.of("/base"));
        assertThat(other.authToken()).isEqualTo("t2");
        assertThat(other.tlsCa()).isEqualTo(Path.of("/base/ca.pem"));
        assertThat(other.usesTls()).isTrue();
    }

    @Test
    void anyTlsOptionMeansTls() {
        assertThat(new ConnectOptions(null, true, null, false).tlsOptions()).isNotNull();
        assertThat(new ConnectOptions(null, false, null, true).tlsOptions()).isNotNull();
        assertThat(ConnectOptions.PLAIN.overriddenBy(line("connect --tls h:1"), Path.of("/")).usesTls()).isTrue();
    }
}
