package dev.tether.client.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ClientClosedException;
import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectionState;
import dev.tether.client.TlsOptions;
import dev.tether.client.netty.FrameCodec;
import dev.tether.client.netty.FrameDecoder;
import dev.tether.client.netty.FrameEncoder;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Push;
import dev.tether.protocol.Welcome;
import dev.tether.testing.MockServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the dialer turns endpoints into connections: the rotation, and the pipeline it builds on a real socket. */
class DialerTest {
    private int sequencesExhausted;
    private final EventLoops loops = new EventLoops(1);
    private final MockServer server = MockServer.start();
    private final CompletableFuture<Connection> opened = new CompletableFuture<>();
    private final List<Throwable> failures = new ArrayList<>();

    @AfterEach
    void tearDown() {
        server.close();
        loops.shutdown(5_000);
    }

    private Dialer dialer(ClientConfig config) {
        var loop = loops.next();
        Scheduler scheduler = new EventLoopScheduler(loop);
        ClientCounters counters = new ClientCounters();
        OutboundQueue queue = new OutboundQueue(new OutboundQueue.Owner() {
            @Override
            public void onSequencesExhausted(Connection c) {
                sequencesExhausted++;
            }

            @Override
            public ConnectionState state() {
                return ConnectionState.CONNECTING;
            }

            @Override
            public ClientClosedException closedException() {
                return new ClientClosedException("closed");
            }

            @Override
            public void onLastRequestDone() {
            }
        }, counters, loop, loop, scheduler, config);
        return new Dialer(config, loops, loop, scheduler, counters, queue, new ClientSession(config, counters), NameResolver.JDK);
    }

    private final Connection.Listener listener = new Connection.Listener() {
        @Override
        public void onOpen(Connection c, Welcome welcome) {
            opened.complete(c);
        }

        @Override
        public void onFatal(Connection c, RuntimeException cause) {
            failures.add(cause);
        }

        @Override
        public void onPush(Push push) {
        }

        @Override
        public void onGoAway(Connection c, GoAway goAway) {
        }

        @Override
        public void onRoundTrip(long rttNanos) {
        }

        @Override
        public void onAttemptFailed(Connection c, Throwable cause) {
            failures.add(cause);
            opened.completeExceptionally(cause);
        }

        @Override
        public void onLost(Connection c, Throwable cause) {
        }
    };

    @Test
    void eachConnectionGoesToTheNextEndpointInTurn() {
        Dialer d = dialer(ClientConfig.builder().endpoint("127.0.0.1", 1).endpoint("127.0.0.2", 2).endpoint("127.0.0.3", 3)
                .build());
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ports.add(d.nextConnection(listener).endpoint.getPort());
        }
        assertThat(ports).containsExactly(1, 2, 3, 1);
    }

    @Test
    void theSocketGetsTheHeartbeatFirstAndTheCountingCodecAndTheConnectionLast() throws Exception {
        Dialer d = dialer(ClientConfig.builder().endpoint("127.0.0.1", server.port()).build());
        Connection c = d.nextConnection(listener);
        loops.next().submit(() -> d.dial(c)).get(5, SECONDS);
        assertThat(opened.get(10, SECONDS)).isSameAs(c);
        List<String> names = loops.next().submit(() -> c.channel().pipeline().names()).get(5, SECONDS);
        assertThat(names).containsSubsequence(Dialer.HEARTBEAT_HANDLER, Dialer.CODEC_HANDLER,
                Dialer.CONNECTION_HANDLER).doesNotContain("tls");
        // One handler decodes and encodes: one pipeline entry per connection, not two.
        assertThat(loops.next().submit(() -> c.channel().pipeline().get(Dialer.CODEC_HANDLER)).get(5, SECONDS))
                .isInstanceOf(FrameCodec.class);
        assertThat(c.channel().pipeline().get(FrameDecoder.class)).isNull();
        assertThat(c.channel().pipeline().get(FrameEncoder.class)).isNull();
        assertThat(c.endpoint).isEqualTo(new InetSocketAddress("127.0.0.1", server.port()));
        loops.next().submit(() -> c.close(new IllegalStateException("test over"))).get(5, SECONDS);
    }

    @Test
    void tlsPutsItsHandlerInFrontOfTheCodec() throws Exception {
        Dialer d = dialer(ClientConfig.builder().endpoint("127.0.0.1", server.port()).tls(TlsOptions.trustAll()).build());
        Connection c = d.nextConnection(listener);
        // Read at once: the plain server cannot speak TLS, so the socket will not live long.
        List<String> names = loops.next().submit(() -> {
            d.dial(c);
            return c.channel().pipeline().names();
        }).get(5, SECONDS);
        assertThat(names).containsSubsequence(Dialer.HEARTBEAT_HANDLER, "tls", Dialer.CODEC_HANDLER, Dialer.CONNECTION_HANDLER);
        loops.next().submit(() -> c.close(new IllegalStateException("test over"))).get(5, SECONDS);
    }

    @Test
    void aSourceAddressOnEpollLeavesThePortToTheConnectAndStillConnectsFromThatAddress() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("epoll".equals(loops.transport().name()), "epoll only");
        java.net.InetAddress source = java.net.InetAddress.getByName("127.0.0.2");
        Dialer d = dialer(ClientConfig.builder().endpoint("127.0.0.1", server.port()).localAddress(source).build());
        Connection c = d.nextConnection(listener);
        loops.next().submit(() -> d.dial(c)).get(5, SECONDS);
        assertThat(opened.get(10, SECONDS)).isSameAs(c);

        io.netty.channel.ChannelOption<Boolean> noPort = io.netty.channel.epoll.EpollChannelOption.IP_BIND_ADDRESS_NO_PORT;
        assertThat(loops.next().submit(() -> c.channel().config().getOption(noPort)).get(5, SECONDS)).isTrue();
        InetSocketAddress local = (InetSocketAddress) c.channel().localAddress();
        assertThat(local.getAddress()).isEqualTo(source);
        assertThat(local.getPort()).isPositive();
        loops.next().submit(() -> c.close(new IllegalStateException("test over"))).get(5, SECONDS);
    }

    @Test
    void withoutASourceAddressTheKernelBindsAtConnectAsAlwaysAndTheOptionStaysOff() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("epoll".equals(loops.transport().name()), "epoll only");
        Dialer d = dialer(ClientConfig.builder().endpoint("127.0.0.1", server.port()).build());
        Connection c = d.nextConnection(listener);
        loops.next().submit(() -> d.dial(c)).get(5, SECONDS);
        assertThat(opened.get(10, SECONDS)).isSameAs(c);

        io.netty.channel.ChannelOption<Boolean> noPort = io.netty.channel.epoll.EpollChannelOption.IP_BIND_ADDRESS_NO_PORT;
        assertThat(loops.next().submit(() -> c.channel().config().getOption(noPort)).get(5, SECONDS)).isFalse();
        loops.next().submit(() -> c.close(new IllegalStateException("test over"))).get(5, SECONDS);
    }
}
