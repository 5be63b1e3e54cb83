package dev.tether.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.client.netty.Transport;
import dev.tether.testing.MockServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The SDK as a macOS, Windows or ARM user without a native transport gets it: no Netty native jar on the
 * classpath at all. Run only by the surefire execution {@code without-native-transport} (client-sdk's
 * pom.xml), which removes the epoll jars from the test classpath; the default execution skips it.
 */
class WithoutNativeTransportTest {

    @Test
    void theClasspathReallyHasNoNativeTransport() {
        assertThatThrownBy(() -> Class.forName("io.netty.channel.epoll.Epoll"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(Transport.preferred()).isSameAs(Transport.nio());
    }

    @Test
    void connectsAndExchangesARequestOnNio() throws Exception {
        try (MockServer server = MockServer.start(); ClientResources resources = ClientResources.create(1)) {
            assertThat(resources.transport()).isEqualTo("nio");
            assertThat(resources.nativeTransport()).isFalse();
            try (TetherClient client = TetherClient.builder().endpoint("127.0.0.1", server.port())
                    .resources(resources).build()) {
                client.connect().get(10, SECONDS);
                byte[] reply = client.request("over nio".getBytes(StandardCharsets.UTF_8)).get(10, SECONDS);
                assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("over nio");
            }
        }
    }
}
