package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ConnectionState;
import dev.tether.client.StateChange;
import io.netty.handler.ssl.NotSslRecordException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WordingTest {
    private static final Target TARGET = new Target("127.0.0.1", 7000);

    @Test
    void connectionErrorsAreShownByTheirRootCauseWithoutNativeNoise() {
        Throwable refused = new RuntimeException("connect to 127.0.0.1:7000 failed after 1 attempt(s)",
                new ConnectException("finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:7000"));
        assertThat(Wording.shortCause(refused)).isEqualTo("Connection refused");
        assertThat(Wording.shortCause(new IllegalStateException("connection to h:1 closed by the peer")))
                .isEqualTo("connection to h:1 closed by the peer");
        assertThat(Wording.shortCause(new RuntimeException("outer", new java.io.IOException())))
                .isEqualTo("outer (RuntimeException)");
        assertThat(Wording.shortCause(new IllegalStateException("bad frame: " + "ab".repeat(100))))
                .isEqualTo("bad frame: " + "ab".repeat(16) + "...");
        assertThat(Wording.shortCause(new RuntimeException("handshake", new NotSslRecordException("not an SSL/TLS record"))))
                .isEqualTo("the server answered in plaintext, not TLS (connect without --tls?)");
        assertThat(Wording.shortCause(new RuntimeException("connect failed", new javax.net.ssl.SSLException("PKIX path building failed",
                new java.security.cert.CertPathValidatorException("unable to find valid certification path to requested target")))))
                .isEqualTo("TLS: unable to find valid certification path to requested target");
    }

    @Test
    void aMomentReadsAsLocalTimeToTheSecondAndHowLongAgo() {
        Instant at = Instant.parse("2026-11-29T15:55:31.083535030Z");
        Instant now = Instant.parse("2026-11-29T15:58:43.500Z");
        assertThat(Wording.since(at, now, ZoneOffset.UTC)).isEqualTo("2026-11-29 15:55:31 (3m12s ago)");
        assertThat(Wording.since(at, now, ZoneId.of("Europe/Berlin"))).isEqualTo("2026-11-29 16:55:31 (3m12s ago)");
        assertThat(Wording.since(at, at.plusMillis(400), ZoneOffset.UTC)).endsWith("(just now)");
    }

    @Test
    void anEndpointReadsAsItIsTyped() throws Exception {
        assertThat(Wording.endpoint(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 17002)))
                .isEqualTo("127.0.0.1:17002");
        assertThat(Wording.endpoint(new InetSocketAddress(InetAddress.getByName("::1"), 7000)))
                .isEqualTo("[0:0:0:0:0:0:0:1]:7000");
        assertThat(Wording.endpoint(new InetSocketAddress(InetAddress.getByAddress("db", new byte[] {10, 0, 0, 5}), 7000)))
                .isEqualTo("db:7000 (10.0.0.5)");
        assertThat(Wording.endpoint(InetSocketAddress.createUnresolved("db", 7000))).isEqualTo("db:7000");
    }

    @Test
    void theStateReadsTheSameForANoticeAndForStatus() {
        StateChange lost = new StateChange(ConnectionState.CONNECTED, ConnectionState.RECONNECTING, null, 2,
                Duration.ofSeconds(3), new ConnectException("Connection refused: /127.0.0.1:7000"));
        assertThat(Wording.state(ConnectionState.RECONNECTING, lost, Duration.ZERO, TARGET))
                .isEqualTo("reconnecting to 127.0.0.1:7000, attempt 2, next try in 3.0s (last error: Connection refused)");
        assertThat(Wording.state(ConnectionState.RECONNECTING, lost, Duration.ofMillis(900), TARGET))
                .contains("next try in 2.1s");
        assertThat(Wording.state(ConnectionState.RECONNECTING, lost, Duration.ofSeconds(9), TARGET))
                .contains("next try in 0.0s");
        // a change of another state says nothing about this one
        assertThat(Wording.state(ConnectionState.CLOSED, lost, Duration.ZERO, TARGET))
                .isEqualTo("the connection to 127.0.0.1:7000 is closed; connect opens it again");
        assertThat(Wording.state(ConnectionState.CONNECTED, null, Duration.ZERO, TARGET)).isEqualTo("connected to 127.0.0.1:7000");
        StateChange goAway = new StateChange(ConnectionState.CONNECTED, ConnectionState.DRAINING, null, 0, null,
                new IllegalStateException("server 127.0.0.1:7000 is going away: server is shutting down"));
        assertThat(Wording.state(ConnectionState.DRAINING, goAway, Duration.ZERO, TARGET)).isEqualTo("draining: server "
                + "127.0.0.1:7000 is going away: server is shutting down; the client reconnects when the server closes the connection");
        assertThat(Wording.state(ConnectionState.DRAINING, null, Duration.ZERO, TARGET))
                .startsWith("the server at 127.0.0.1:7000 is draining (go-away);");
    }

    @Test
    void durationsReadAsMillisecondsOrSeconds() {
        assertThat(Wording.duration(Duration.ofNanos(842_000))).isEqualTo("0.842 ms");
        assertThat(Wording.duration(Duration.ofMillis(1250))).isEqualTo("1.25 s");
        assertThat(Wording.seconds(Duration.ofMillis(2100))).isEqualTo("2.1s");
    }
}
