package dev.tether.testing;

import dev.tether.client.netty.FrameCodec;
import dev.tether.protocol.Ack;
import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.Push;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import dev.tether.protocol.Send;
import dev.tether.protocol.Welcome;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scriptable Tether server on a real socket (127.0.0.1, ephemeral port), in the spirit of OkHttp's
 * MockWebServer: tests choose how each connection behaves ({@link SocketPolicy}), what requests are
 * answered with, push and go-away on demand, make connections go silent, restart on the same port, and
 * assert on the frames it recorded.
 *
 * <pre>{@code
 * try (MockServer server = MockServer.start()) {
 *     TetherClient client = TetherClient.builder().endpoint("127.0.0.1", server.port()).build();
 *     client.connect().get(5, SECONDS);
 *     assertThat(server.takeFrame(Hello.class).clientId()).isEqualTo("");
 * }
 * }</pre>
 *
 * <h2>Protocol versions and session resumption</h2>
 * By default the server answers every hello with a version-1 welcome and no resume token, as a version-1
 * server would. {@link #protocolVersion(int) protocolVersion(2)} answers in version 2 without a token (a server
 * with resumption off); {@link #resumption(boolean) resumption(true)} answers in version 2 with a token and keeps
 * sessions (PROTOCOL.md §13): it delivers numbered sends once each (duplicates are counted, not delivered),
 * acknowledges them at the end of each read batch ({@link #autoAck}), numbers what {@link #publish} pushes, keeps
 * it in a bounded replay window until the client acknowledges it, resumes a session whose token a hello
 * presents (closing a socket the session still has) and replays what the client missed. {@link #forgetSessions()}
 * is a restart that lost them. Thread-safe. Uses one event-loop thread of its own; {@link #close()} ends it.
 */
public final class MockServer implements AutoCloseable {

    /** How an accepted connection behaves. */
    public enum SocketPolicy {
        /** Answer the hello with a welcome, answer requests (see {@link #onRequest}), answer pings. */
        KEEP_OPEN,
        /** Close the connection as soon as it is accepted. */
        DISCONNECT_AT_START,
        /** Read the hello, then close without answering. */
        DISCONNECT_AFTER_HELLO,
        /** Accept, then never read or write anything (the handshake never completes). */
        NO_HANDSHAKE,
        /** Complete the handshake, then never answer anything: requests and pings go unanswered. */
        NO_RESPONSE,
        /** Complete the handshake, then go silent: stop reading and writing but keep the socket open. */
        STALL_SOCKET_AFTER_HANDSHAKE,
        /** Answer the hello with ERROR AUTH_FAILED and close. */
        REFUSE_AUTH,
        /** Answer the hello with ERROR UNSUPPORTED_VERSION and close. */
        UNSUPPORTED_VERSION,
        /**
         * Answer the hello as a server over its handshake-rate limit: GO_AWAY with the hint of
         * {@link #busyRetryAfter}, then ERROR SERVER_BUSY, then close.
         */
        BUSY
    }

    /** A frame received, with the number of the connection (0-based, in accept order) it came on. */
    public record RecordedFrame(int connection, Message message) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("mock-server", true), NioIoHandler.newFactory());
    private final BlockingQueue<RecordedFrame> frames = new LinkedBlockingQueue<>();
    private final List<RecordedFrame> allFrames = new CopyOnWriteArrayList<>();
    private final List<ServerConnection> connections = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<SocketPolicy> queuedPolicies = new ConcurrentLinkedQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final BlockingQueue<Integer> handshakes = new LinkedBlockingQueue<>();
    private volatile SocketPolicy defaultPolicy = SocketPolicy.KEEP_OPEN;
    private volatile String requiredToken;
    private volatile Function<Request, Message> requestHandler = r -> new Response(r.id(), r.payload());
    private volatile long responseDelayMillis;
    private volatile long busyRetryAfterMillis = 1500;
    private volatile long welcomeHeartbeatMillis = Protocol.DEFAULT_HEARTBEAT_INTERVAL_MILLIS;
    private volatile SslContext sslContext;
    private volatile int protocolVersion = Protocol.VERSION_1;
    private volatile boolean resumption;
    private volatile boolean autoAck = true;
    private volatile int replayWindow = 1024;
    private final Map<String, MockSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger sessionCounter = new AtomicInteger();
    private volatile Channel serverChannel;
    private volatile int port;

    private MockServer() {
    }

    /** A server on 127.0.0.1 and a free port. */
    public static MockServer start() {
        return start(0, null);
    }

    /** A TLS server on 127.0.0.1 and a free port. */
    public static MockServer startTls(SslContext serverContext) {
        return start(0, serverContext);
    }

    private static MockServer start(int port, SslContext ssl) {
        MockServer s = new MockServer();
        s.sslContext = ssl;
        s.bind(port);
        return s;
    }

    private void bind(int port) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ServerConnection c = new ServerConnection(accepted.getAndIncrement(), nextPolicy());
                        connections.add(c);
                        if (sslContext != null) {
                            ch.pipeline().addLast(sslContext.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new FrameCodec(), c);
                    }
                });
        try {
            serverChannel = b.bind("127.0.0.1", port).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    private SocketPolicy nextPolicy() {
        SocketPolicy p = queuedPolicies.poll();
        return p != null ? p : defaultPolicy;
    }

    // ---- script ----

    /** The policy of every connection not covered by {@link #enqueuePolicy}. Default {@link SocketPolicy#KEEP_OPEN}. */
    public MockServer policy(SocketPolicy policy) {
        this.defaultPolicy = Objects.requireNonNull(policy);
        return this;
    }

    /** The policy of the next accepted connection (queued, one per call), before the default applies. */
    public MockServer enqueuePolicy(SocketPolicy policy) {
        queuedPolicies.add(Objects.requireNonNull(policy));
        return this;
    }

    /** Refuse (AUTH_FAILED) any hello whose token differs from this one; null accepts all. */
    public MockServer requireToken(String token) {
        this.requiredToken = token;
        return this;
    }

    /** What a request is answered with (a Response or an ErrorMessage), or null for no answer. Default: echo. */
    public MockServer onRequest(Function<Request, Message> handler) {
        this.requestHandler = Objects.requireNonNull(handler);
        return this;
    }

    /** Delay every answer to a request by this much (real time). Default 0. */
    public MockServer responseDelay(Duration delay) {
        this.responseDelayMillis = delay.toMillis();
        return this;
    }

    /** The retry-after hint of the {@link SocketPolicy#BUSY} answer. Default 1.5 s. */
    public MockServer busyRetryAfter(Duration hint) {
        this.busyRetryAfterMillis = hint.toMillis();
        return this;
    }

    /** The heartbeat interval announced in the welcome, in ms. Default 30,000. */
    public MockServer welcomeHeartbeatMillis(long millis) {
        this.welcomeHeartbeatMillis = millis;
        return this;
    }

    /**
     * The version of the welcome when resumption is off: 1 (the default, a version-1 server) or 2 (a version-2
     * server with resumption off: no token, no sequences).
     */
    public MockServer protocolVersion(int version) {
        this.protocolVersion = version;
        return this;
    }

    /** Offer session resumption: welcome in version 2 with a resume token, and keep sessions. Default off. */
    public MockServer resumption(boolean on) {
        this.resumption = on;
        return this;
    }

    /**
     * Acknowledge received sends at the end of each read batch (default), or only on {@link #ackSends()}. Applies
     * to the sends read from now on.
     */
    public MockServer autoAck(boolean on) {
        this.autoAck = on;
        return this;
    }

    /** The replay window of each session, in pushes; the oldest are dropped beyond it. Default 1024. */
    public MockServer replayWindow(int pushes) {
        this.replayWindow = pushes;
        return this;
    }

    /** A restart that lost every session: resume tokens presented from now on are unknown. */
    public void forgetSessions() {
        sessions.clear();
    }

    /** Acknowledges, on every open connection with a session, every send its session has delivered. */
    public void ackSends() {
        for (ServerConnection c : connections) {
            MockSession s = c.session;
            if (s != null && c.welcomed && !c.silent && c.channel != null && c.channel.isActive()) {
                c.channel.eventLoop().execute(() -> c.ack(true));
            }
        }
    }

    /**
     * Publishes a push to every session (resumption on): numbered per session, kept in its replay window until
     * acknowledged, written at once to a session's open connection, replayed to a resuming one. Returns the
     * number of sessions. Runs on the server's loop and returns when done.
     */
    public int publish(byte[] payload) {
        return group.next().submit(() -> {
            for (MockSession s : sessions.values()) {
                s.publish(payload);
            }
            return sessions.size();
        }).syncUninterruptibly().getNow();
    }

    /** The payloads the session delivered to the "application", in order, each once. */
    public List<byte[]> delivered(String sessionId) {
        MockSession s = sessionById(sessionId);
        synchronized (s) {
            return List.copyOf(s.delivered);
        }
    }

    /** The numbered sends the session received again and dropped. */
    public long sendDuplicates(String sessionId) {
        MockSession s = sessionById(sessionId);
        synchronized (s) {
            return s.duplicates;
        }
    }

    /** The pushes the session dropped from its replay window (the window was full). */
    public long pushesDroppedFromWindow(String sessionId) {
        MockSession s = sessionById(sessionId);
        synchronized (s) {
            return s.droppedFromWindow;
        }
    }

    private MockSession sessionById(String id) {
        for (MockSession s : sessions.values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no session " + id + " (known: " + sessions.values().stream().map(x -> x.id).toList() + ")");
    }

    /** Pushes to every connection whose handshake is done; returns how many got it. */
    public int push(Push push) {
        return forEachOpen(c -> c.send(push));
    }

    /**
     * Writes any message to every connection whose handshake is done, and returns (with how many got it) once it
     * is written: what the client sends after this call reaches the server after the message reached the client.
     */
    public int sendToAll(Message m) {
        return forEachOpen(c -> {
            Channel ch = c.channel;
            if (ch != null) {
                ch.writeAndFlush(m).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        });
    }

    /** Sends GO_AWAY to every connection whose handshake is done; returns how many got it. */
    public int goAway(long reconnectAfterMillis, String reason) {
        GoAway g = new GoAway(reconnectAfterMillis, reason);
        return forEachOpen(c -> c.send(g));
    }

    /** Writes raw bytes (e.g. a malformed frame) to every connection whose handshake is done. */
    public int writeRaw(byte[] bytes) {
        return forEachOpen(c -> c.channel.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(bytes)));
    }

    /** Closes every open connection (a clean FIN); the server keeps accepting. */
    public void disconnectAll() {
        for (ServerConnection c : connections) {
            c.closeNow();
        }
    }

    /** Every open connection stops reading and writing but keeps its socket open (a vanished peer). */
    public void goSilent() {
        for (ServerConnection c : connections) {
            c.goSilent();
        }
    }

    /** Stops listening and closes every connection; {@link #restart()} listens again on the same port. */
    public void stop() {
        Channel ch = serverChannel;
        if (ch != null) {
            ch.close().syncUninterruptibly();
            serverChannel = null;
        }
        disconnectAll();
    }

    /** Listens again on the same port after {@link #stop()}. */
    public void restart() {
        if (serverChannel != null) {
            throw new IllegalStateException("still running; stop() first");
        }
        // The old port can be briefly unavailable (another socket on this busy machine may hold it as its
        // local port); retry for a bounded time rather than fail the test on the first refusal.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                bind(port);
                return;
            } catch (Exception e) {
                if (!(e instanceof java.net.BindException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    // ---- observe ----

    public int port() {
        return port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Connections accepted so far. */
    public int acceptedCount() {
        return accepted.get();
    }

    /** Connections currently open. */
    public int openConnections() {
        int n = 0;
        for (ServerConnection c : connections) {
            if (c.channel != null && c.channel.isOpen()) {
                n++;
            }
        }
        return n;
    }

    /** Waits (bounded) for the next completed handshake and returns the number of its connection. */
    public int awaitHandshake(Duration timeout) throws InterruptedException, TimeoutException {
        Integer n = handshakes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (n == null) {
            throw new TimeoutException("no handshake within " + timeout);
        }
        return n;
    }

    /** Takes the next recorded frame, waiting up to 5 s. */
    public RecordedFrame takeFrame() throws InterruptedException, TimeoutException {
        RecordedFrame f = frames.poll(5, TimeUnit.SECONDS);
        if (f == null) {
            throw new TimeoutException("no frame within 5 s");
        }
        return f;
    }

    /** Takes frames until one of {@code type} arrives (others are skipped, but stay in {@link #frames()}). */
    public <T extends Message> T takeFrame(Class<T> type) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            long left = deadline - System.nanoTime();
            RecordedFrame f = frames.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (f == null) {
                throw new TimeoutException("no " + type.getSimpleName() + " within 5 s");
            }
            if (type.isInstance(f.message())) {
                return type.cast(f.message());
            }
        }
    }

    /** Every frame received so far, in order of arrival. */
    public List<RecordedFrame> frames() {
        return List.copyOf(allFrames);
    }

    /** Every received message of this type, in order. */
    public <T extends Message> List<T> frames(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (RecordedFrame f : allFrames) {
            if (type.isInstance(f.message())) {
                out.add(type.cast(f.message()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        stop();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private int forEachOpen(java.util.function.Consumer<ServerConnection> action) {
        int n = 0;
        for (ServerConnection c : connections) {
            if (c.welcomed && !c.silent && c.channel != null && c.channel.isActive()) {
                action.accept(c);
                n++;
            }
        }
        return n;
    }

    /** One accepted connection. */
    private final class ServerConnection extends SimpleChannelInboundHandler<Message> {
        final int index;
        final SocketPolicy policy;
        volatile Channel channel;
        volatile boolean welcomed;
        volatile boolean silent;
        /** The resumable session of this connection (resumption on), or null. */
        volatile MockSession session;
        private boolean ackDue;

        ServerConnection(int index, SocketPolicy policy) {
            this.index = index;
            this.policy = policy;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            switch (policy) {
                case DISCONNECT_AT_START -> ctx.close();
                case NO_HANDSHAKE -> goSilent();
                default -> { }
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message m) {
            if (silent) {
                return;
            }
            // A session's sends and acks take effect before they are recorded: a test that saw the frame sees its effect.
            if (m instanceof Send s && session != null) {
                onSend(ctx, s);
            } else if (m instanceof Ack a && session != null) {
                session.acknowledged(a.sequence());
            }
            RecordedFrame f = new RecordedFrame(index, m);
            allFrames.add(f);
            frames.add(f);
            if (m instanceof Hello h) {
                onHello(ctx, h);
            } else if (policy == SocketPolicy.NO_RESPONSE) {
                return;
            } else if (m instanceof Ping p) {
                ctx.writeAndFlush(new Pong(p.timestamp()));
            } else if (m instanceof Request r) {
                Message answer = requestHandler.apply(r);
                if (answer != null) {
                    long delay = responseDelayMillis;
                    if (delay > 0) {
                        ctx.executor().schedule(() -> send(answer), delay, TimeUnit.MILLISECONDS);
                    } else {
                        ctx.writeAndFlush(answer);
                    }
                }
            }
        }

        private void onHello(ChannelHandlerContext ctx, Hello h) {
            switch (policy) {
                case DISCONNECT_AFTER_HELLO -> ctx.close();
                case REFUSE_AUTH -> refuse(ctx, ErrorCode.AUTH_FAILED, "token refused");
                case UNSUPPORTED_VERSION -> refuse(ctx, ErrorCode.UNSUPPORTED_VERSION, "no common version");
                case BUSY -> {
                    ctx.write(new GoAway(busyRetryAfterMillis, "handshake rate limit"));
                    refuse(ctx, ErrorCode.SERVER_BUSY, "server busy");
                }
                default -> {
                    if (requiredToken != null && !requiredToken.equals(h.authToken())) {
                        refuse(ctx, ErrorCode.AUTH_FAILED, "token refused");
                        return;
                    }
                    if (resumption && h.maxVersion() >= Protocol.VERSION_2) {
                        welcomeSession(ctx, h);
                    } else {
                        int version = Math.min(protocolVersion, h.maxVersion());
                        codec(ctx).version(version);
                        // Marked before the welcome is written: once the client sees it, push() must reach it.
                        welcomed = true;
                        handshakes.add(index);
                        ctx.writeAndFlush(new Welcome(version, welcomeHeartbeatMillis, Protocol.DEFAULT_MAX_FRAME_LENGTH,
                                "session-" + index, null));
                    }
                    if (policy == SocketPolicy.STALL_SOCKET_AFTER_HANDSHAKE) {
                        goSilent();
                    }
                }
            }
        }

        private FrameCodec codec(ChannelHandlerContext ctx) {
            return ctx.pipeline().get(FrameCodec.class);
        }

        /** Version 2 with resumption: resume the hello's session if known, else start one. */
        private void welcomeSession(ChannelHandlerContext ctx, Hello h) {
            MockSession s = h.resumeToken() == null ? null : sessions.get(key(h.resumeToken()));
            codec(ctx).version(Protocol.VERSION_2);
            if (s == null) {
                String id = "session-" + sessionCounter.getAndIncrement();
                s = new MockSession(id, ("token-" + id).getBytes(StandardCharsets.UTF_8));
                sessions.put(key(s.token), s);
                attach(s);
                welcomed = true;
                handshakes.add(index);
                ctx.writeAndFlush(new Welcome(Protocol.VERSION_2, welcomeHeartbeatMillis, Protocol.DEFAULT_MAX_FRAME_LENGTH,
                        s.id, s.token));
                return;
            }
            synchronized (s) {
                long r = h.pushesReceived() < 0 ? 0 : h.pushesReceived();
                if (r > s.nextPush) {
                    refuse(ctx, ErrorCode.PROTOCOL_ERROR, "pushesReceived " + r + " > " + s.nextPush);
                    return;
                }
                long lo = s.window.isEmpty() ? s.nextPush : s.window.peekFirst().sequence();
                long lost = Math.max(0, lo - r);
                while (!s.window.isEmpty() && s.window.peekFirst().sequence() < r) {
                    s.window.pollFirst(); // the client has them
                }
                List<Push> replay = List.copyOf(s.window);
                ServerConnection old = s.attached;
                attach(s);
                if (old != null && old != this) {
                    old.session = null;
                    old.closeLater(); // take-over
                }
                welcomed = true;
                handshakes.add(index);
                ctx.write(new Welcome(Protocol.VERSION_2, welcomeHeartbeatMillis, Protocol.DEFAULT_MAX_FRAME_LENGTH,
                        s.id, s.token, s.sendsExpected, lost, replay.size()));
                for (Push p : replay) {
                    ctx.write(p);
                }
                ctx.flush();
            }
        }

        private void attach(MockSession s) {
            session = s;
            s.attached = this;
        }

        private void onSend(ChannelHandlerContext ctx, Send m) {
            MockSession s = session;
            synchronized (s) {
                if (m.sequence() == Send.NO_SEQUENCE) {
                    refuse(ctx, ErrorCode.PROTOCOL_ERROR, "SEND without a sequence in a resumable session");
                } else if (m.sequence() == s.sendsExpected) {
                    s.delivered.add(m.payload());
                    s.sendsExpected++;
                    ackDue |= autoAck; // decided when read: turning autoAck on later does not acknowledge this
                } else if (m.sequence() < s.sendsExpected) {
                    s.duplicates++;
                    ackDue |= autoAck;
                } else {
                    refuse(ctx, ErrorCode.PROTOCOL_ERROR, "SEND " + m.sequence() + " after a gap: expected " + s.sendsExpected);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!silent) {
                ack(false);
            }
            ctx.fireChannelReadComplete();
        }

        /** Writes an ACK for what the session delivered, if a send arrived since the last one (or {@code always}). */
        void ack(boolean always) {
            MockSession s = session;
            Channel ch = channel;
            if (s == null || ch == null || !(always || ackDue)) {
                return;
            }
            ackDue = false;
            long expected;
            synchronized (s) {
                expected = s.sendsExpected;
            }
            ch.writeAndFlush(new Ack(expected));
        }

        void closeLater() {
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }

        private void refuse(ChannelHandlerContext ctx, ErrorCode code, String text) {
            ctx.writeAndFlush(new ErrorMessage(0, code, text)).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }

        void send(Message m) {
            Channel ch = channel;
            if (ch != null && !silent) {
                ch.writeAndFlush(m);
            }
        }

        void goSilent() {
            silent = true;
            Channel ch = channel;
            if (ch != null) {
                ch.config().setAutoRead(false);
            }
        }

        void closeNow() {
            Channel ch = channel;
            if (ch != null) {
                ch.close().syncUninterruptibly();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static String key(byte[] token) {
        return new String(token, StandardCharsets.ISO_8859_1);
    }

    /** A resumable session: what it delivered, its replay window, the connection it is attached to. */
    private final class MockSession {
        final String id;
        final byte[] token;
        final List<byte[]> delivered = new ArrayList<>();
        final ArrayDeque<Push> window = new ArrayDeque<>();
        long sendsExpected;
        long duplicates;
        long nextPush;
        long droppedFromWindow;
        volatile ServerConnection attached;

        MockSession(String id, byte[] token) {
            this.id = id;
            this.token = token;
        }

        /** On the server's loop. */
        void publish(byte[] payload) {
            Push p;
            synchronized (this) {
                p = new Push(null, Push.NO_TIMESTAMP, nextPush++, payload);
                window.addLast(p);
                while (window.size() > replayWindow) {
                    window.pollFirst();
                    droppedFromWindow++;
                }
            }
            ServerConnection c = attached;
            if (c != null && c.session == this && c.welcomed) {
                c.send(p);
            }
        }

        synchronized void acknowledged(long next) {
            while (!window.isEmpty() && window.peekFirst().sequence() < next) {
                window.pollFirst();
            }
        }
    }
}
