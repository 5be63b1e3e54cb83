package dev.tether.client.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tether.client.ClientClosedException;
import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectionState;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Push;
import dev.tether.protocol.Welcome;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The close carried out against a real {@link OutboundQueue}, connections on an {@link EmbeddedChannel} (or
 * without a socket yet) and a {@link FakeScheduler}: when the close is over, what the deadline does, and
 * which exception closed operations carry. The owner here does what the client does when a connection ends:
 * fails its requests in flight, forgets it, and asks the close whether it is over.
 */
class ClientCloseTest {
    private int sequencesExhausted;
    private static final ClientConfig CONFIG = ClientConfig.builder().endpoint("127.0.0.1", 7000)
            .heartbeatInterval(Duration.ZERO).requestTimeout(Duration.ofSeconds(60)).build();
    private static final long CLOSE_TIMEOUT_NANOS = Duration.ofSeconds(5).toNanos();

    private ConnectionState state = ConnectionState.CONNECTED;
    private final FakeScheduler time = new FakeScheduler();
    private final ClientCounters counters = new ClientCounters();
    private final List<Connection> connections = new ArrayList<>();
    private final List<Throwable> endCauses = new ArrayList<>();
    private final EmbeddedChannel ch = new EmbeddedChannel();
    private final OutboundQueue queue = new OutboundQueue(new OutboundQueue.Owner() {
            @Override
            public void onSequencesExhausted(Connection c) {
                sequencesExhausted++;
            }

        @Override
        public ConnectionState state() {
            return state;
        }

        @Override
        public ClientClosedException closedException() {
            return close.closedException();
        }

        @Override
        public void onLastRequestDone() {
            close.lastRequestDone();
        }
    }, counters, ch.eventLoop(), Runnable::run, time, CONFIG);
    private final ClientClose close = new ClientClose(() -> new ArrayList<>(connections), queue, null);

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    private Connection connection() {
        Connection c = new Connection(new InetSocketAddress("127.0.0.1", 7000), new Connection.Listener() {
            @Override
            public void onOpen(Connection c, Welcome welcome) {
            }

            @Override
            public void onFatal(Connection c, RuntimeException cause) {
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
                ended(c, cause);
            }

            @Override
            public void onLost(Connection c, Throwable cause) {
                ended(c, cause);
            }
        }, queue, new ClientSession(CONFIG, counters), CONFIG);
        connections.add(c);
        return c;
    }

    private void ended(Connection c, Throwable cause) {
        endCauses.add(cause);
        queue.failInFlight(c, cause);
        connections.remove(c);
        close.finishIfOver();
    }

    @Test
    void withNoConnectionTheCloseIsOverAtOnceAndWhatWaitedFails() throws Exception {
        SendOp waiting = new SendOp(queue, new byte[1]);
        queue.send(waiting);
        state = ConnectionState.CLOSED;

        close.beginGraceful(time, CLOSE_TIMEOUT_NANOS, null);

        assertThatThrownBy(() -> waiting.get(1, SECONDS)).cause().isInstanceOf(ClientClosedException.class);
        assertThat(close.future()).isCompleted();
        assertThat(time.pendingDelays()).isEmpty(); // the deadline is cancelled
    }

    @Test
    void aConnectionStillHandshakingIsClosedAndTheCloseIsOverWhenItReportsItsEnd() {
        Connection dialling = connection(); // no socket yet: name resolution under way
        state = ConnectionState.CLOSED;

        close.beginGraceful(time, CLOSE_TIMEOUT_NANOS, dialling);

        assertThat(endCauses).singleElement().isInstanceOf(ClientClosedException.class);
        assertThat(close.future()).isCompleted();
        assertThat(time.pendingDelays()).isEmpty();
    }

    @Test
    void aRequestInFlightHoldsTheCloseUntilTheDeadlineThenItsConnectionIsShutAndItFails() throws Exception {
        Connection draining = connection();
        draining.attach(ch);
        ch.pipeline().addLast(Dialer.CONNECTION_HANDLER, draining);
        queue.connected(draining);
        RequestOp r = new RequestOp(queue, new byte[1], CONFIG.requestTimeout().toNanos());
        queue.request(r);
        queue.disconnected();
        state = ConnectionState.CLOSED;

        close.beginGraceful(time, CLOSE_TIMEOUT_NANOS, null);
        time.forward(Duration.ofSeconds(4));
        assertThat(close.future()).isNotDone();
        assertThat(r).isNotDone();
        assertThat(ch.isOpen()).isTrue();

        time.forward(Duration.ofSeconds(1));
        assertThat(ch.isOpen()).isFalse();
        assertThatThrownBy(() -> r.get(1, SECONDS)).cause().isInstanceOf(ClientClosedException.class);
        assertThat(close.future()).isCompleted();
        assertThat(time.pendingDelays()).isEmpty(); // the request's timeout is stopped too
    }

    @Test
    void aCloseWithPendingRequestsFailsEachWithOneSharedStacklessClientClosedException() throws Exception {
        Connection draining = connection();
        draining.attach(ch);
        ch.pipeline().addLast(Dialer.CONNECTION_HANDLER, draining);
        queue.connected(draining);
        RequestOp first = new RequestOp(queue, new byte[1], CONFIG.requestTimeout().toNanos());
        RequestOp second = new RequestOp(queue, new byte[1], CONFIG.requestTimeout().toNanos());
        queue.request(first);
        queue.request(second);
        queue.disconnected();
        state = ConnectionState.CLOSED;

        close.beginGraceful(time, CLOSE_TIMEOUT_NANOS, null);
        time.forward(Duration.ofSeconds(5));

        Throwable a = failureOf(first);
        Throwable b = failureOf(second);
        assertThat(a).isInstanceOf(ClientClosedException.class).hasMessage("client closed").hasNoCause();
        assertThat(b).isSameAs(a); // made once per close, shared by every operation it fails
        assertThat(a.getStackTrace()).isEmpty(); // it would only show the event loop
        a.addSuppressed(new IllegalStateException("added by one receiver"));
        assertThat(b.getSuppressed()).isEmpty(); // so no receiver can change what another sees
    }

    @Test
    void aCloseAfterAFatalErrorKeepsAStackTraceAndMakesAnExceptionForEachOperation() {
        close.fatal(new IllegalStateException("server refused the protocol version"));

        ClientClosedException e = close.closedException();

        assertThat(e.getStackTrace()).isNotEmpty();
        assertThat(close.closedException()).isNotSameAs(e);
    }

    private static Throwable failureOf(RequestOp r) {
        assertThat(r).isCompletedExceptionally();
        return catchThrowable(r::join).getCause(); // join wraps it in a CompletionException
    }

    @Test
    void afterAFatalErrorClosedOperationsCarryItAsTheirCause() {
        assertThat(close.closedException()).hasMessage("client closed").hasNoCause();
        IllegalStateException fatal = new IllegalStateException("server refused the protocol version");

        close.fatal(fatal);

        assertThat(close.closedException()).hasMessage("client closed: server refused the protocol version")
                .hasCause(fatal);
    }
}
