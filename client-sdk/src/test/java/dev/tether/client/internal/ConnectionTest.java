package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ClientClosedException;
import dev.tether.client.ConnectFailedException;
import dev.tether.client.ConnectionLostException;
import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectionState;
import dev.tether.protocol.Ack;
import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Push;
import dev.tether.protocol.Welcome;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * One connection in an {@link EmbeddedChannel} whose clock the test moves: the welcome's heartbeat interval is
 * the one in force, and a silent server is given up after the dead-peer timeout derived from it (PROTOCOL.md
 * §7), at any interval, without sockets or sleeping.
 */
class ConnectionTest {
    private int sequencesExhausted;
    private final List<Throwable> lost = new ArrayList<>();
    private final List<Welcome> opened = new ArrayList<>();
    private final List<Throwable> failed = new ArrayList<>();
    private Connection connection;
    private ClientSession session;
    private final List<Push> pushes = new ArrayList<>();

    private final Connection.Listener listener = new Connection.Listener() {
        @Override
        public void onOpen(Connection c, Welcome welcome) {
            opened.add(welcome);
            session.started(welcome, session.resumptionOf(welcome)); // what the client does with a fresh session
        }

        @Override
        public void onFatal(Connection c, RuntimeException cause) {
            throw new AssertionError("unexpected", cause);
        }

        @Override
        public void onPush(Push push) {
            pushes.add(push);
        }

        @Override
        public void onGoAway(Connection c, GoAway goAway) {
        }

        @Override
        public void onRoundTrip(long rttNanos) {
        }

        @Override
        public void onAttemptFailed(Connection c, Throwable cause) {
            failed.add(cause);
        }

        @Override
        public void onLost(Connection c, Throwable cause) {
            lost.add(cause);
        }
    };

    /** A connection whose handshake completes with a welcome announcing {@code announcedMillis}. */
    private EmbeddedChannel welcomed(ClientConfig config, long announcedMillis) {
        EmbeddedChannel ch = handshaking(config);
        ch.writeInbound(new Welcome(announcedMillis, 1 << 20, "s-1"));
        assertThat(opened).hasSize(1);
        assertThat(failed).isEmpty();
        return ch;
    }

    /** A connection that has said hello and waits for the answer. */
    private EmbeddedChannel handshaking(ClientConfig config) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        OutboundQueue queue = new OutboundQueue(new OutboundQueue.Owner() {
            @Override
            public void onSequencesExhausted(Connection c) {
                sequencesExhausted++;
            }

            @Override
            public ConnectionState state() {
                return ConnectionState.CONNECTED;
            }

            @Override
            public ClientClosedException closedException() {
                return new ClientClosedException("closed");
            }

            @Override
            public void onLastRequestDone() {
            }
        }, new ClientCounters(), ch.eventLoop(), Runnable::run, new FakeScheduler(), config);
        Connection c = new Connection(new InetSocketAddress("127.0.0.1", 7000), listener, queue, session = new ClientSession(config, new ClientCounters()), config);
        c.attach(ch);
        ch.pipeline().addLast(Dialer.HEARTBEAT_HANDLER, new HeartbeatHandler(c)); // as the dialer builds it
        ch.pipeline().addLast(Dialer.CONNECTION_HANDLER, c);
        ch.pipeline().fireChannelActive();
        assertThat((Object) ch.readOutbound()).isInstanceOf(Hello.class);
        connection = c;
        return ch;
    }

    private static ClientConfig.Builder config() {
        return ClientConfig.builder().endpoint("127.0.0.1", 7000);
    }

    /** Advances in steps of {@code stepMillis} until the channel closes; returns the silence it took. */
    private static long silenceUntilClosed(EmbeddedChannel ch, long stepMillis, long limitMillis) {
        long t = 0;
        while (ch.isOpen() && t < limitMillis) {
            EmbeddedTime.advance(ch, stepMillis);
            t += stepMillis;
        }
        return t;
    }

    @ParameterizedTest(name = "H = {0} ms")
    @ValueSource(longs = {1_000, 30_000, 300_000})
    void aSilentServerIsGivenUpWithinTwoAndAQuarterOfTheIntervalItAnnouncedAndBeforeItsIdleEviction(long h) {
        // The client's own setting (the default 30 s) does not matter: the welcome's interval is in force.
        EmbeddedChannel ch = welcomed(config().build(), h);
        long deadPeer = 2 * h + h / 8;
        EmbeddedTime.advance(ch, deadPeer - 1);
        assertThat(ch.isOpen()).as("open 1 ms before 2 H + H/8").isTrue();
        EmbeddedTime.advance(ch, 1);
        assertThat(ch.isOpen()).as("closed at 2 H + H/8").isFalse();
        assertThat(deadPeer).isLessThanOrEqualTo(h * 9 / 4).isLessThan(3 * h);
        assertThat(lost).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("for " + deadPeer + " ms"));
        // It asked before giving up: pings went out while the server was silent.
        assertThat(ch.outboundMessages()).hasAtLeastOneElementOfType(Ping.class);
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "H = {0} ms")
    @ValueSource(longs = {1_000, 30_000, 300_000})
    void aServerThatAnswersPingsIsNeverGivenUpEvenWhenItSendsNothingElse(long h) {
        EmbeddedChannel ch = welcomed(config().build(), h);
        long step = Math.max(1, h / 20);
        for (long t = 0; t < 10 * h; t += step) {
            EmbeddedTime.advance(ch, step);
            for (Object out; (out = ch.readOutbound()) != null; ) {
                if (out instanceof Ping ping) {
                    ch.writeInbound(new Pong(ping.timestamp()));
                }
            }
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(lost).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void anExplicitDeadPeerTimeoutOverridesTheRule() {
        EmbeddedChannel ch = welcomed(config().heartbeatInterval(Duration.ofSeconds(10)).deadPeerTimeout(Duration.ofSeconds(45))
                .build(), 1_000);
        long took = silenceUntilClosed(ch, 100, 60_000);
        assertThat(took).isEqualTo(45_000);
        ch.finishAndReleaseAll();
    }

    @Test
    void whenTheServerAsksForNoHeartbeatTheClientsOwnIntervalIsInForce() {
        EmbeddedChannel ch = welcomed(config().heartbeatInterval(Duration.ofSeconds(8)).build(), 0);
        long took = silenceUntilClosed(ch, 1, 60_000);
        assertThat(took).isEqualTo(2 * 8_000 + 1_000);
        ch.finishAndReleaseAll();
    }

    @Test
    void theRuleIsTwoIntervalsAndAnEighth() {
        assertThat(ClientConfig.deadPeerTimeoutFor(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(2_125));
        assertThat(ClientConfig.deadPeerTimeoutFor(Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(63_750));
        assertThat(ClientConfig.deadPeerTimeoutFor(Duration.ofMinutes(5))).isEqualTo(Duration.ofMillis(637_500));
        assertThat(ClientConfig.deadPeerTimeoutFor(Duration.ZERO)).isZero();
        java.util.Random random = new java.util.Random(13);
        for (int i = 0; i < 10_000; i++) { // exact to the nanosecond, as Duration's own arithmetic gives it
            Duration h = Duration.ofSeconds(random.nextInt(1 << 20), random.nextInt(1_000_000_000));
            assertThat(ClientConfig.deadPeerTimeoutFor(h)).as("%s", h).isEqualTo(h.multipliedBy(2).plus(h.dividedBy(8)));
        }
    }

    @Test
    void aGoAwayInAnswerToTheHelloIsABusyServersHintNotAProtocolError() {
        EmbeddedChannel ch = handshaking(config().build());
        ch.writeInbound(new GoAway(1_500, "handshake rate limit"));
        assertThat(ch.isOpen()).as("waits for the ERROR and the close that follow").isTrue();
        assertThat((Object) ch.readOutbound()).as("no PROTOCOL_ERROR sent").isNull();
        assertThat(connection.busyRetryAfterMillis()).isEqualTo(1_500);

        ch.writeInbound(new ErrorMessage(0, ErrorCode.SERVER_BUSY, "server busy"));
        assertThat(ch.isOpen()).isFalse();
        assertThat(failed).singleElement().isInstanceOf(ConnectFailedException.class).asString()
                .contains("is busy").contains("retry after 1500 ms");
        ch.finishAndReleaseAll();
    }

    @Test
    void aBusyServerThatClosesWithoutTheErrorStillLeavesItsHint() {
        EmbeddedChannel ch = handshaking(config().build());
        ch.writeInbound(new GoAway(700, ""));
        ch.close();
        assertThat(failed).hasSize(1);
        assertThat(connection.busyRetryAfterMillis()).isEqualTo(700);
        ch.finishAndReleaseAll();
    }

    /** A connection with resumption on and no heartbeat: the only timer it can arm is the push ACK's. */
    private EmbeddedChannel resumable() {
        EmbeddedChannel ch = handshaking(config().heartbeatInterval(Duration.ZERO).build());
        ch.writeInbound(new Welcome(2, 0, 1 << 20, "s-1", new byte[] {7}));
        assertThat((Object) ch.readOutbound()).as("no ACK before any push").isNull();
        assertThat(ch.runScheduledPendingTasks()).as("no timer while nothing is owed").isEqualTo(-1);
        return ch;
    }

    private static final long ACK_DELAY_MILLIS = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(ClientSession.ACK_DELAY_NANOS);

    @Test
    void theFirstBatchOfAConnectionIsAcknowledgedAtOnceLaterOnesOnceAfterTheDelay() {
        EmbeddedChannel ch = resumable();
        // One read batch of three pushes: EmbeddedChannel reads them all, then completes the read once.
        ch.writeInbound(push(0), push(1), push(2));
        assertThat((Object) ch.readOutbound()).isEqualTo(new Ack(3));
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.runScheduledPendingTasks()).as("nothing owed: no timer").isEqualTo(-1);

        ch.writeInbound(push(3));
        assertThat((Object) ch.readOutbound()).as("may wait").isNull();
        EmbeddedTime.advance(ch, ACK_DELAY_MILLIS / 2);
        ch.writeInbound(push(4)); // a second batch within the delay: the same timer covers it
        EmbeddedTime.advance(ch, ACK_DELAY_MILLIS / 2 - 1);
        assertThat((Object) ch.readOutbound()).as("1 ms before the delay").isNull();
        EmbeddedTime.advance(ch, 1);
        assertThat((Object) ch.readOutbound()).isEqualTo(new Ack(5));
        assertThat((Object) ch.readOutbound()).as("one ACK for both batches").isNull();
        assertThat(ch.runScheduledPendingTasks()).as("nothing owed: no timer").isEqualTo(-1);

        ch.writeInbound(push(4)); // a duplicate, and nothing new: nothing to acknowledge
        assertThat((Object) ch.readOutbound()).isNull();
        EmbeddedTime.advance(ch, ACK_DELAY_MILLIS);
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(pushes).extracting(Push::sequence).containsExactly(0L, 1L, 2L, 3L, 4L);
        ch.finishAndReleaseAll();
    }

    @Test
    void enoughUnacknowledgedPushesAreAcknowledgedAtTheEndOfTheirBatch() {
        EmbeddedChannel ch = resumable();
        ch.writeInbound(push(0));
        assertThat((Object) ch.readOutbound()).isEqualTo(new Ack(1));
        Object[] batch = new Object[ClientSession.ACK_AFTER_PUSHES - 1];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = push(1 + i);
        }
        ch.writeInbound(batch);
        assertThat((Object) ch.readOutbound()).as("one push short of the threshold").isNull();
        ch.writeInbound(push(ClientSession.ACK_AFTER_PUSHES));
        assertThat((Object) ch.readOutbound()).isEqualTo(new Ack(ClientSession.ACK_AFTER_PUSHES + 1));
        ch.finishAndReleaseAll();
    }

    @Test
    void enoughUnacknowledgedBytesAreAcknowledgedAtTheEndOfTheirBatch() {
        EmbeddedChannel ch = resumable();
        ch.writeInbound(push(0));
        assertThat((Object) ch.readOutbound()).isEqualTo(new Ack(1));
        ch.writeInbound(new Push(null, Push.NO_TIMESTAMP, 1, new byte[ClientSession.ACK_AFTER_BYTES - 1]));
        assertThat((Object) ch.readOutbound()).as("one byte short of the threshold").isNull();
        ch.writeInbound(push(2));
        assertThat((Object) ch.readOutbound()).isEqualTo(new Ack(3));
        ch.finishAndReleaseAll();
    }

    @Test
    void aDuplicateIsAcknowledgedAtOnceSoThatAReplayingServerLearnsWhatWeHave() {
        EmbeddedChannel ch = resumable();
        ch.writeInbound(push(0));
        assertThat((Object) ch.readOutbound()).isEqualTo(new Ack(1));
        ch.writeInbound(push(1));
        assertThat((Object) ch.readOutbound()).isNull();
        ch.writeInbound(push(0), push(1)); // replayed: the next ACK goes at the end of this batch
        assertThat((Object) ch.readOutbound()).isEqualTo(new Ack(2));
        ch.finishAndReleaseAll();
    }

    @Test
    void aGracefulCloseWritesTheAckStillOwedFirst() {
        EmbeddedChannel ch = resumable();
        ch.writeInbound(push(0));
        assertThat((Object) ch.readOutbound()).isEqualTo(new Ack(1));
        ch.writeInbound(push(1), push(2));
        assertThat((Object) ch.readOutbound()).isNull();
        connection.closeAfterWrites();
        ch.runPendingTasks();
        assertThat((Object) ch.readOutbound()).isEqualTo(new Ack(3));
        assertThat(ch.isOpen()).isFalse();
        EmbeddedTime.advance(ch, ACK_DELAY_MILLIS);
        assertThat(ch.outboundMessages()).as("the timer finds nothing more to write").allSatisfy(m -> assertThat(m).isNotInstanceOf(Ack.class));
        ch.finishAndReleaseAll();
    }

    @Test
    void aPushWithoutASequenceWhereResumptionIsOnIsAProtocolError() {
        EmbeddedChannel ch = handshaking(config().build());
        ch.writeInbound(new Welcome(2, 30_000, 1 << 20, "s-1", new byte[] {7}));
        ch.writeInbound(new Push(new byte[] {1}));
        assertThat(pushes).isEmpty();
        assertThat((Object) ch.readOutbound()).isInstanceOfSatisfying(ErrorMessage.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR));
        ch.finishAndReleaseAll();
    }

    @Test
    void withoutResumptionAPushNeedsNoSequenceAndIsNeverAcknowledged() {
        EmbeddedChannel ch = handshaking(config().build());
        ch.writeInbound(new Welcome(2, 30_000, 1 << 20, "s-1", null)); // version 2, no token: not offered
        ch.writeInbound(new Push(new byte[] {1}), new Push(null, Push.NO_TIMESTAMP, 5, new byte[] {2}));
        assertThat(pushes).hasSize(2);
        assertThat((Object) ch.readOutbound()).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void anAckBeforeTheWelcomeIsAProtocolError() {
        EmbeddedChannel ch = handshaking(config().build());
        ch.writeInbound(new Ack(0));
        assertThat((Object) ch.readOutbound()).isInstanceOfSatisfying(ErrorMessage.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR));
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void aResumedWelcomeToAHelloWithoutATokenIsAProtocolError() {
        EmbeddedChannel ch = handshaking(config().build());
        ch.writeInbound(new Welcome(2, 30_000, 1 << 20, "s-1", new byte[] {7}, 0, 0, 0));
        assertThat(opened).isEmpty();
        assertThat((Object) ch.readOutbound()).isInstanceOf(ErrorMessage.class);
        ch.finishAndReleaseAll();
    }

    private static Push push(long sequence) {
        return new Push(null, Push.NO_TIMESTAMP, sequence, new byte[] {(byte) sequence});
    }

    @Test
    void anEndWithNoErrorIsReportedWithItsMessageAndNoStackTraceAndFailsAPendingPing() {
        EmbeddedChannel ch = welcomed(config().build(), 30_000);
        java.util.concurrent.CompletableFuture<Duration> ping = new java.util.concurrent.CompletableFuture<>();
        connection.ping(ping, new FakeScheduler(), Duration.ofSeconds(5).toNanos());

        ch.close();

        assertThat(lost).hasSize(1);
        assertThat(lost.get(0)).isInstanceOf(ConnectionLostException.class)
                .hasMessage("connection to 127.0.0.1:7000 closed by the peer").hasNoCause();
        assertThat(lost.get(0).getStackTrace()).isEmpty(); // it would only show the event loop
        assertThat(ping).isCompletedExceptionally();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(ping::join)).cause()
                .isInstanceOf(ConnectionLostException.class).hasMessage("connection to 127.0.0.1:7000 closed");
        ch.finishAndReleaseAll();
    }
}
