package dev.tether.client.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The transport choice, on this module's test classpath, which carries the epoll jar for linux-x86_64 (the
 * choice without any native jar is {@code WithoutNativeTransportTest}, run by a surefire execution of its own).
 */
class TransportTest {

    @Test
    void nioIsNioEverywhere() {
        Transport nio = Transport.nio();
        assertThat(nio.name()).isEqualTo("nio");
        assertThat(nio.isNative()).isFalse();
        assertThat(nio.socketChannelClass()).isEqualTo(NioSocketChannel.class);
        assertThat(nio.serverSocketChannelClass()).isEqualTo(NioServerSocketChannel.class);
        assertThat(Transport.choose(false)).isSameAs(nio);
    }

    @Test
    void preferredIsEpollWhereEpollLoads() {
        Transport preferred = Transport.preferred();
        assertThat(Transport.choose(true)).isSameAs(preferred);
        if (Epoll.isAvailable()) {
            assertThat(preferred.name()).isEqualTo("epoll");
            assertThat(preferred.isNative()).isTrue();
            assertThat(preferred.socketChannelClass()).isEqualTo(EpollSocketChannel.class);
            assertThat(preferred.serverSocketChannelClass()).isEqualTo(EpollServerSocketChannel.class);
        } else { // e.g. a Linux kernel or CPU the bundled library does not support: NIO, not an error
            assertThat(preferred).isSameAs(Transport.nio());
        }
    }

    @Test
    void channelsRegisterOnGroupsOfTheirOwnTransport() {
        for (Transport transport : new Transport[] {Transport.nio(), Transport.preferred()}) {
            EventLoopGroup group = transport.newEventLoopGroup(1, new DefaultThreadFactory("transport-test", true));
            try {
                SocketChannel ch = transport.newSocketChannel();
                assertThat(ch).isInstanceOf(transport.socketChannelClass());
                assertThat(group.register(ch).awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
                assertThat(ch.isRegistered()).as("%s channel registered", transport).isTrue();
                ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aGroupNeedsAThread() {
        assertThatThrownBy(() -> Transport.nio().newEventLoopGroup(0, new DefaultThreadFactory("x", true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads must be >= 1: 0");
    }
}
