package dev.tether.client.internal;

import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectFailedException;
import dev.tether.client.TlsOptions;
import dev.tether.client.netty.FrameCodec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;

/**
 * How a socket becomes a {@link Connection}: picks the next endpoint (round robin over the configured
 * ones), resolves its name at each attempt off the event loop ({@link NameResolver}; a DNS change is thus
 * followed on reconnect), opens the socket
 * with the client's options, installs the pipeline (flush consolidation and heartbeat, TLS, the counting frame
 * codec, the connection) and connects. Whatever goes wrong on the way ends as the connection's
 * {@link Connection.Listener#onAttemptFailed}. Confined to the client's event loop.
 */
final class Dialer {
    /** The name of the {@link Connection} handler in the pipeline. */
    static final String CONNECTION_HANDLER = "connection";
    /** The name of the {@link HeartbeatHandler} (also the flush consolidation) in the pipeline: first. */
    static final String HEARTBEAT_HANDLER = "heartbeat";
    /** The name of the frame codec in the pipeline. */
    static final String CODEC_HANDLER = "frameCodec";
    private static final WriteBufferWaterMark DEFAULT_WATER_MARK = new WriteBufferWaterMark(
            ClientConfig.DEFAULT_WRITE_BUFFER_LOW_WATER_MARK, ClientConfig.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK);

    /**
     * Epoll's {@code IP_BIND_ADDRESS_NO_PORT}, found by its name as {@code EpollChannelOption} declares it: the SDK does
     * not compile against a native transport.
     */
    private static final ChannelOption<Boolean> IP_BIND_ADDRESS_NO_PORT = ChannelOption.valueOf("IP_BIND_ADDRESS_NO_PORT");

    private final ClientConfig config;
    private final EventLoops loops;
    private final EventLoop loop;
    private final Scheduler scheduler;
    private final ClientCounters counters;
    private final OutboundQueue queue;
    private final ClientSession session;
    private final NameResolver resolver;
    private final SslContext sslContext;
    private int endpointIndex;

    Dialer(ClientConfig config, EventLoops loops, EventLoop loop, Scheduler scheduler, ClientCounters counters,
           OutboundQueue queue, ClientSession session, NameResolver resolver) {
        this.config = config;
        this.loops = loops;
        this.loop = loop;
        this.scheduler = scheduler;
        this.counters = counters;
        this.queue = queue;
        this.session = session;
        this.resolver = resolver;
        this.sslContext = config.tls() == null ? null : sslContext(config.tls());
    }

    /** A connection to the next endpoint in turn; {@link #dial} starts it. */
    Connection nextConnection(Connection.Listener listener) {
        List<InetSocketAddress> endpoints = config.endpoints();
        InetSocketAddress endpoint = endpoints.get(endpointIndex);
        endpointIndex = (endpointIndex + 1) % endpoints.size();
        return new Connection(endpoint, listener, queue, session, config);
    }

    /** Resolves, opens and connects {@code c}'s socket, within the connect timeout. */
    void dial(Connection c) {
        c.startHandshakeTimer(scheduler, config.connectTimeout().toNanos());
        InetSocketAddress endpoint = c.endpoint;
        if (!endpoint.isUnresolved()) {
            connect(c, endpoint);
            return;
        }
        String host = endpoint.getHostString();
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            // An address written as text needs no lookup: no hop off the loop and back.
            try {
                connect(c, new InetSocketAddress(InetAddress.getByAddress(host, literal), endpoint.getPort()));
            } catch (UnknownHostException e) {
                throw new AssertionError("a parsed literal has a valid length", e);
            }
            return;
        }
        resolver.resolve(host).whenComplete((address, error) -> {
            try {
                loop.execute(() -> resolved(c, address, error));
            } catch (RejectedExecutionException e) {
                // The client's private loop is gone: the client closed while the name was looked up.
            }
        });
    }

    private void resolved(Connection c, InetAddress address, Throwable error) {
        if (c.state() != Connection.State.HANDSHAKING) {
            return; // given up while the name was looked up (closed, or the connect timeout passed)
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            c.close(new ConnectFailedException("cannot resolve " + Connection.describe(c.endpoint) + ": " + cause, cause));
            return;
        }
        connect(c, new InetSocketAddress(address, c.endpoint.getPort()));
    }

    private void connect(Connection c, InetSocketAddress remote) {
        InetSocketAddress endpoint = c.endpoint;
        Channel ch;
        try {
            ch = loops.newChannel();
        } catch (RuntimeException e) {
            c.close(new ConnectFailedException("cannot open a socket for " + Connection.describe(endpoint) + ": " + e, e));
            return;
        }
        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
        ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark(config));
        // The connection's own deadline (startHandshakeTimer) already covers the TCP connect: Netty's connect
        // timeout would be a second timer per connect, scheduled and cancelled in the loop's timer heap.
        ch.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0);
        if (config.localAddress() != null && "epoll".equals(loops.transport().name())) {
            // The kernel then picks the source port at connect time, for this destination, rather than at bind time,
            // where one free for every destination is searched: milliseconds per connect past half the port range.
            ch.config().setOption(IP_BIND_ADDRESS_NO_PORT, true);
        }
        ChannelPipeline p = ch.pipeline();
        // Requests issued from a response callback (on this loop, while a read is in progress) are flushed
        // once at the end of the read instead of one system call each; the same handler runs the heartbeat
        // once the welcome arrives.
        p.addLast(HEARTBEAT_HANDLER, new HeartbeatHandler(c));
        if (sslContext != null) {
            p.addLast("tls", sslContext.newHandler(ch.alloc(), endpoint.getHostString(), endpoint.getPort()));
        }
        // The codec counts every frame into the client's totals: nothing else in the SDK counts. One handler for
        // both directions: one pipeline entry per idle connection instead of two.
        p.addLast(CODEC_HANDLER, new FrameCodec(config.maxFrameLength(), counters));
        p.addLast(CONNECTION_HANDLER, c);
        c.attach(ch);
        loop.register(ch).addListener((ChannelFutureListener) reg -> {
            if (!reg.isSuccess()) {
                c.close(new ConnectFailedException("cannot register a socket for " + Connection.describe(endpoint), reg.cause()));
                return;
            }
            var local = config.localAddress() == null ? null : new InetSocketAddress(config.localAddress(), 0);
            ch.connect(remote, local).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    c.close(new ConnectFailedException("connect to " + Connection.describe(endpoint) + " failed: "
                            + f.cause().getMessage(), f.cause()));
                }
            });
        });
    }

    /** The shared default, or (rarely) the client's own marks: made per connection, not kept per idle client. */
    private static WriteBufferWaterMark waterMark(ClientConfig config) {
        return config.writeBufferLowWaterMark() == DEFAULT_WATER_MARK.low()
                && config.writeBufferHighWaterMark() == DEFAULT_WATER_MARK.high() ? DEFAULT_WATER_MARK
                : new WriteBufferWaterMark(config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark());
    }

    private static SslContext sslContext(TlsOptions tls) {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (tls.trustsAll()) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (!tls.trustedCertificates().isEmpty()) {
            b.trustManager(tls.trustedCertificates());
        }
        if (tls.clientPrivateKey() != null) {
            // Presented only when the server asks (mutual TLS).
            b.keyManager(tls.clientPrivateKey(), tls.clientCertificateChain());
        }
        // RFC 2818 host-name check, done by the JDK's engine against the host we connect to (SNI + peer host).
        b.endpointIdentificationAlgorithm(tls.hostnameVerification() ? "HTTPS" : null);
        try {
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("invalid TLS settings " + tls + ": " + e.getMessage(), e);
        }
    }
}
