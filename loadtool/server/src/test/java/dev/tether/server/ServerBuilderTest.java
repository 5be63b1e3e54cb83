package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.protocol.Protocol;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerBuilderTest {

    @Test
    void defaultsAreTheDocumentedConstants() {
        ServerSettings s = new ServerBuilder().settings();
        assertThat(s.host()).isEqualTo(ReferenceServer.DEFAULT_HOST);
        assertThat(s.port()).isEqualTo(ReferenceServer.DEFAULT_PORT);
        assertThat(s.authToken()).isNull();
        assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(90)).isEqualTo(ReferenceServer.DEFAULT_IDLE_TIMEOUT);
        assertThat(s.maxFrameLength()).isEqualTo(Protocol.DEFAULT_MAX_FRAME_LENGTH);
        assertThat(s.maxConnections()).isEqualTo(ReferenceServer.DEFAULT_MAX_CONNECTIONS);
        assertThat(s.serviceTime().isZero()).isTrue();
        assertThat(s.errorRate()).isZero();
        assertThat(s.pushRate()).isZero();
        assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.reconnectAfter()).isEqualTo(ReferenceServer.DEFAULT_RECONNECT_AFTER);
        assertThat(s.maxPendingBytesPerConnection()).isEqualTo(ReferenceServer.DEFAULT_MAX_PENDING_BYTES);
        assertThat(s.sessionTtl()).isEqualTo(Duration.ofMinutes(2)).isEqualTo(ReferenceServer.DEFAULT_SESSION_TTL);
        assertThat(s.replayWindowMessages()).isEqualTo(1024).isEqualTo(ReferenceServer.DEFAULT_REPLAY_WINDOW_MESSAGES);
        assertThat(s.replayWindowBytes()).isEqualTo(256 * 1024).isEqualTo(ReferenceServer.DEFAULT_REPLAY_WINDOW_BYTES);
        assertThat(s.replayWindowAge()).isEqualTo(Duration.ofMinutes(2)).isEqualTo(ReferenceServer.DEFAULT_REPLAY_WINDOW_AGE);
    }

    @Test
    void resumptionSettingsAreCheckedAndZeroTurnsItOff() {
        ServerBuilder b = new ServerBuilder();
        assertThat(b.sessionTtl(Duration.ZERO).settings().sessionTtl()).isZero();
        assertThatThrownBy(() -> b.sessionTtl(Duration.ofSeconds(-1))).hasMessageContaining("sessionTtl must not be negative")
                .hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> b.replayWindowMessages(0)).hasMessageContaining("replayWindowMessages must be positive: 0");
        assertThatThrownBy(() -> b.replayWindowBytes(0)).hasMessageContaining("replayWindowBytes must be positive: 0");
        assertThatThrownBy(() -> b.replayWindowAge(Duration.ZERO)).hasMessageContaining("replayWindowAge must be positive");
        assertThatThrownBy(() -> new ServerBuilder().maxFrameLength(4096).maxPendingBytesPerConnection(64 * 1024)
                .memoryBudget(1 << 20).settings())
                .hasMessageContaining("replayWindowBytes (262144) must be at most maxPendingBytesPerConnection (65536)");
    }

    @Test
    void theIdleTimeoutFollowsTheHeartbeatIntervalUnlessSetItself() {
        assertThat(new ServerBuilder().heartbeatInterval(Duration.ofSeconds(10)).settings().idleTimeout())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(new ServerBuilder().heartbeatInterval(Duration.ofSeconds(10)).idleTimeout(Duration.ofSeconds(17)).settings()
                .idleTimeout()).isEqualTo(Duration.ofSeconds(17));
    }

    @Test
    void timeoutsAreSweptAtATenthOfTheShortestBetween10msAnd1s() {
        assertThat(new ServerBuilder().settings().sweepIntervalNanos()).isEqualTo(1_000_000_000L);
        assertThat(new ServerBuilder().handshakeTimeout(Duration.ofSeconds(2)).settings().sweepIntervalNanos()).isEqualTo(200_000_000L);
        assertThat(new ServerBuilder().handshakeTimeout(Duration.ofMillis(1)).settings().sweepIntervalNanos()).isEqualTo(10_000_000L);
        assertThat(new ServerBuilder().idleTimeout(Duration.ZERO).handshakeTimeout(Duration.ofSeconds(5)).settings()
                .sweepIntervalNanos()).isEqualTo(500_000_000L);
    }

    @Test
    void badValuesAreRejectedAtOnceNamingThem() {
        ServerBuilder b = new ServerBuilder();
        assertThatThrownBy(() -> b.idleTimeout(Duration.ofSeconds(-1))).hasMessageContaining("idleTimeout").hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> b.pushRate(-1)).hasMessageContaining("pushRate");
        assertThatThrownBy(() -> b.pushSize(-1)).hasMessageContaining("pushSize");
        assertThatThrownBy(() -> b.maxFrameLength(10)).hasMessageContaining("maxFrameLength");
        assertThatThrownBy(() -> b.eventLoopThreads(0)).hasMessageContaining("eventLoopThreads");
        assertThatThrownBy(() -> b.reconnectAfter(Duration.ofSeconds(-1))).hasMessageContaining("reconnectAfter");
        assertThatThrownBy(() -> b.drainTimeout(Duration.ofSeconds(-1))).hasMessageContaining("drainTimeout");
    }

    @Test
    void anIdleTimeoutNotLongerThanTheHeartbeatIntervalIsRefused() {
        assertThatThrownBy(() -> new ServerBuilder().heartbeatInterval(Duration.ofSeconds(5)).idleTimeout(Duration.ofSeconds(5)).settings())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idleTimeout (5s) must be longer than heartbeatInterval (5s)");
        assertThatThrownBy(() -> new ServerBuilder().idleTimeout(Duration.ofSeconds(20)).settings())
                .hasMessageContaining("heartbeatInterval (30s)");
        assertThat(new ServerBuilder().heartbeatInterval(Duration.ofSeconds(5)).idleTimeout(Duration.ZERO).settings().idleTimeout())
                .isZero();
        assertThat(new ServerBuilder().heartbeatInterval(Duration.ofSeconds(5)).idleTimeout(Duration.ofMillis(5001)).settings()
                .idleTimeout()).isEqualTo(Duration.ofMillis(5001));
    }

    @Test
    void anEmptyOrBlankAuthTokenIsRefusedAndNullMeansNoAuthentication() {
        assertThatThrownBy(() -> new ServerBuilder().authToken("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("authToken must not be empty");
        assertThatThrownBy(() -> new ServerBuilder().authToken(" \n")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ServerBuilder().authToken("s").authToken(null).settings().authToken()).isNull();
        assertThat(new ServerBuilder().authToken(" s").settings().authToken()).isEqualTo(" s");
    }
}
