package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

    @Test
    void defaultsAreTheDocumentedConstants() {
        ClientConfig c = ClientConfig.builder().endpoint("localhost", 7000).build();
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30)).isEqualTo(ClientConfig.DEFAULT_HEARTBEAT_INTERVAL);
        assertThat(c.deadPeerTimeout()).as("derived from the heartbeat in force").isEmpty();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.sendBufferMessages()).isEqualTo(10_000);
        assertThat(c.sendBufferBytes()).isEqualTo(8L << 20);
        assertThat(c.maxFrameLength()).isEqualTo(1 << 20);
        assertThat(c.backoff()).isSameAs(Backoff.defaults());
        assertThat(c.retryFirstConnect()).isFalse();
        assertThat(c.tls()).isNull();
        assertThat(c.authToken()).isNull();
        assertThat(c.clientId()).isEmpty();
        assertThat(c.localAddress()).isNull();
    }

    @Test
    void endpointsAreKeptInOrderAndIpLiteralsAreResolvedNamesAreNot() {
        ClientConfig c = ClientConfig.builder().endpoint("127.0.0.1", 1).endpoint("gw.example", 2).build();
        assertThat(c.endpoints()).extracting(InetSocketAddress::getPort).containsExactly(1, 2);
        assertThat(c.endpoints().get(0).isUnresolved()).isFalse();
        assertThat(c.endpoints().get(1).isUnresolved()).isTrue();
    }

    @Test
    void toBuilderDerivesAVariantWithoutChangingTheOriginal() {
        ClientConfig a = ClientConfig.builder().endpoint("h", 1).clientId("a").build();
        ClientConfig b = a.toBuilder().clientId("b").endpoint("h2", 2).build();
        assertThat(a.clientId()).isEqualTo("a");
        assertThat(a.endpoints()).hasSize(1);
        assertThat(b.clientId()).isEqualTo("b");
        assertThat(b.endpoints()).hasSize(2);
    }

    @Test
    void badValuesAreRejectedAtOnceNamingTheValue() {
        ClientConfig.Builder b = ClientConfig.builder();
        assertThatThrownBy(() -> b.heartbeatInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("heartbeatInterval must not be negative: PT-1S");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO)).hasMessage("connectTimeout must be positive: PT0S");
        assertThatThrownBy(() -> b.requestTimeout(Duration.ofMillis(-5))).hasMessageContaining("PT-0.005S");
        assertThatThrownBy(() -> b.endpoint("h", 0)).hasMessage("port must be in [1, 65535]: 0");
        assertThatThrownBy(() -> b.endpoint(" ", 80)).hasMessageContaining("host must not be blank");
        assertThatThrownBy(() -> b.endpoints(List.of())).hasMessage("endpoints must not be empty");
        assertThatThrownBy(() -> b.sendBufferMessages(0)).hasMessage("sendBufferMessages must be >= 1: 0");
        assertThatThrownBy(() -> b.sendBufferBytes(0)).hasMessage("sendBufferBytes must be >= 1: 0");
        assertThatThrownBy(() -> b.maxFrameLength(3)).hasMessageContaining("maxFrameLength must be >= 12: 3");
        assertThatThrownBy(() -> b.writeBufferWaterMark(10, 5)).hasMessageContaining("low=10, high=5");
        assertThatThrownBy(() -> b.backoff(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void buildChecksWhatNeedsSeveralSettings() {
        assertThatThrownBy(() -> ClientConfig.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("endpoint");
        assertThatThrownBy(() -> ClientConfig.builder().endpoint("h", 1).heartbeatInterval(Duration.ofSeconds(10))
                .deadPeerTimeout(Duration.ofSeconds(10)).build())
                .hasMessage("deadPeerTimeout (PT10S) must be longer than heartbeatInterval (PT10S)");
        // zero switches either off, so any combination with zero is fine
        ClientConfig.builder().endpoint("h", 1).heartbeatInterval(Duration.ZERO).deadPeerTimeout(Duration.ofSeconds(1)).build();
    }

    @Test
    void theTokenIsNotPrinted() {
        assertThat(ClientConfig.builder().endpoint("h", 1).authToken("s3cret").build().toString()).doesNotContain("s3cret");
    }

    @Test
    void aBuilderWithoutConfigOrEndpointRefusesToBuild() {
        assertThatThrownBy(() -> TetherClient.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("endpoint(host, port)");
    }

    @Test
    void oversizedPayloadsFailAtOnce() {
        try (TetherClient c = TetherClient.builder().config(ClientConfig.builder().endpoint("127.0.0.1", 9)
                .maxFrameLength(100).build()).build()) {
            // With resumption (the default) a send may carry its 8-byte sequence: 12 + 8 + 80 = 100 fits.
            assertThat(c.send(new byte[80])).isNotCompletedExceptionally();
            assertThat(c.send(new byte[81])).isCompletedExceptionally();
            assertThat(c.request(new byte[88])).isNotCompletedExceptionally(); // 12 + 88 = 100: fits (buffered)
            assertThat(c.request(new byte[89])).isCompletedExceptionally();
        }
        try (TetherClient c = TetherClient.builder().config(ClientConfig.builder().endpoint("127.0.0.1", 9)
                .maxFrameLength(100).resumption(false).build()).build()) {
            assertThat(c.send(new byte[88])).isNotCompletedExceptionally();
            assertThat(c.send(new byte[89])).isCompletedExceptionally();
        }
    }
}
