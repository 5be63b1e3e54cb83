package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConnectOptionsTest {

    @Test
    void plainIsPlaintextWithoutAToken() {
        assertThat(ConnectOptions.PLAIN.usesTls()).isFalse();
        assertThat(ConnectOptions.PLAIN.tlsOptions()).isNull();
        assertThat(ConnectOptions.PLAIN.authToken()).isNull();
    }

    @Test
    void aConnectLineOverridesTheShellsOptions() {
        ConnectOptions shell = new ConnectOptions("from-shell", false, null, false);
        assertThat(shell.overriddenBy(ConnectOptions.PLAIN)).isEqualTo(shell);

        ConnectOptions other = shell.overriddenBy(new ConnectOptions("t2", false, Path.of("/base/ca.pem"), false));
        assertThat(other.authToken()).isEqualTo("t2");
        assertThat(other.tlsCa()).isEqualTo(Path.of("/base/ca.pem"));
        assertThat(other.usesTls()).isTrue();
    }

    @Test
    void anyTlsOptionMeansTls() {
        assertThat(new ConnectOptions(null, true, null, false).tlsOptions()).isNotNull();
        assertThat(new ConnectOptions(null, false, null, true).tlsOptions()).isNotNull();
        assertThat(ConnectOptions.PLAIN.overriddenBy(new ConnectOptions(null, true, null, false)).usesTls()).isTrue();
    }
}
