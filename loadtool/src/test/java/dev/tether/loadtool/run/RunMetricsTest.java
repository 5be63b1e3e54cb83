package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ConnectFailedException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import org.junit.jupiter.api.Test;

class RunMetricsTest {
    @Test
    void aConnectFailureIsExplainedInTheOperatingSystemsWords() {
        // As Netty's NIO and epoll transports word them.
        assertThat(RunMetrics.reason(new ConnectFailedException("connect to h:1 failed",
                new ConnectException("Connection refused: /127.0.0.1:7000")))).isEqualTo("Connection refused");
        assertThat(RunMetrics.reason(new ConnectFailedException("connect to h:1 failed",
                new ConnectException("finishConnect(..) failed with error(-113): No route to host")))).isEqualTo("No route to host");
        assertThat(RunMetrics.reason(new NoRouteToHostException())).isEqualTo("NoRouteToHostException");
    }

    @Test
    void aTlsFailureSaysTlsBeforeTheDeepestReason() {
        // As the SDK wraps an untrusted server certificate: the deepest message alone would not name TLS.
        assertThat(RunMetrics.reason(new ConnectFailedException("connect to h:1 failed", new javax.net.ssl.SSLException(
                "PKIX path building failed", new java.security.cert.CertPathValidatorException(
                        "unable to find valid certification path to requested target")))))
                .isEqualTo("TLS: unable to find valid certification path to requested target");
        assertThat(RunMetrics.reason(new ConnectFailedException("x", new ConnectException("Connection refused")))).doesNotContain("TLS");
    }

    @Test
    void eachReasonIsListedOnce() {
        RunMetrics metrics = new RunMetrics(t -> "CONNECT_FAILED", 0);
        for (int i = 0; i < 3; i++) {
            metrics.connectFailed(new ConnectFailedException("x", new ConnectException("Connection refused: /10.0.0.1:7000")));
        }

        assertThat(metrics.connectFailureReasons()).containsExactly("Connection refused");
        assertThat(metrics.connectFailures.sum()).isEqualTo(3);
        assertThat(metrics.errors()).containsEntry("CONNECT_FAILED", 3L);
    }
}
