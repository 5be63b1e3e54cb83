package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code reusePort}: several servers on one port, the kernel spreading the connections over them (Linux). */
class ReusePortTest {
    private final List<ReferenceServer> servers = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        servers.forEach(ReferenceServer::closeNow);
    }

    private ReferenceServer start(int port, boolean reuse, boolean nativeTransport) {
        ReferenceServer s = ReferenceServer.builder().host("127.0.0.1").port(port).reusePort(reuse).nativeTransport(nativeTransport)
                .eventLoopThreads(1).start();
        servers.add(s);
        return s;
    }

    @Test
    void twoServersShareOnePortAndBothGetConnections() throws Exception {
        twoServersShareOnePort(true);
    }

    @Test
    void theSameWithJavaNio() throws Exception {
        twoServersShareOnePort(false);
    }

    private void twoServersShareOnePort(boolean nativeTransport) throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux"), "SO_REUSEPORT spreading is Linux's");
        ReferenceServer first = start(0, true, nativeTransport);
        ReferenceServer second = start(first.port(), true, nativeTransport);
        assertThat(second.port()).isEqualTo(first.port());

        // The kernel hashes each connection's addresses and ports: with 64 connections, both servers get some
        // (the chance that one gets none is 2^-63).
        for (int i = 0; i < 64; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", first.port()), 5_000);
            sockets.add(s);
        }
        Await.until(Duration.ofSeconds(10), () -> first.sessions().size() + second.sessions().size() == 64,
                () -> "64 sessions over both servers, have " + first.sessions().size() + " + " + second.sessions().size());
        assertThat(first.sessions()).isNotEmpty();
        assertThat(second.sessions()).isNotEmpty();
    }

    @Test
    void withoutItTheSecondServerCannotBind() {
        ReferenceServer first = start(0, true, true);

        assertThatThrownBy(() -> start(first.port(), false, true)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot listen on 127.0.0.1:" + first.port());
    }
}
