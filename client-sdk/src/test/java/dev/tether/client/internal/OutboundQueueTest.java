package dev.tether.client.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.client.ClientClosedException;
import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectionLostException;
import dev.tether.client.ConnectionState;
import dev.tether.client.RequestTimeoutException;
import dev.tether.client.SendBufferFullException;
import dev.tether.client.ServerErrorException;
import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Push;
import dev.tether.protocol.Request;
import dev.tether.protocol.Send;
import dev.tether.protocol.Welcome;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The outbound queue against a connection on an {@link EmbeddedChannel} and a {@link FakeScheduler}: what
 * waits, what is written and in which order, how answers and timeouts end requests, and what is failed.
 */
class OutboundQueueTest {
    private int sequencesExhausted;
    private static final ClientConfig CONFIG = ClientConfig.builder().endpoint("127.0.0.1", 7000)
            .heartbeatInterval(Duration.ZERO).sendBufferMessages(3).maxFrameLength(1024)
            .requestTimeout(Duration.ofSeconds(10)).build();

    private ConnectionState state = ConnectionState.CONNECTED;
    private int lastRequestDoneCalls;
    private final FakeScheduler time = new FakeScheduler();
    private final ClientCounters counters = new ClientCounters();
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
            return new ClientClosedException("client closed");
        }

        @Override
        public void onLastRequestDone() {
            lastRequestDoneCalls++;
        }
    }, counters, ch.eventLoop(), Runnable::run, time, CONFIG);
    private final Connection connection = connection();

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
            }

            @Override
            public void onLost(Connection c, Throwable cause) {
            }
        }, queue, new ClientSession(CONFIG, counters), CONFIG);
        c.attach(ch);
        ch.pipeline().addLast(Dialer.CONNECTION_HANDLER, c);
        return c;
    }

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    private RequestOp request(int size) {
        RequestOp op = new RequestOp(queue, new byte[size], Duration.ofSeconds(10).toNanos());
        queue.request(op);
        return op;
    }

    private SendOp send(int size) {
        SendOp op = new SendOp(queue, new byte[size]);
        queue.send(op);
        return op;
    }

    @Test
    void operationsWaitInTheBufferUntilAConnectionOpensThenLeaveInOrder() {
        SendOp s = send(1);
        RequestOp r = request(2);
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(queue.bufferedCount()).isEqualTo(2);
        assertThat(queue.bufferedBytes()).isEqualTo(3);

        queue.connected(connection);
        assertThat((Object) ch.readOutbound()).isInstanceOf(Send.class);
        Request written = ch.readOutbound();
        assertThat(written.payload()).hasSize(2);
        assertThat(r.id).isEqualTo(written.id());
        assertThat(s).isCompleted(); // written to the (embedded) socket
        assertThat(queue.bufferedCount()).isZero();
        assertThat(counters.requestsInFlight()).isEqualTo(1);
    }

    @Test
    void anIdleConnectedClientHasNoBufferTimeoutsOrRegistryUntilItsFirstRequestOrWaitingSend() throws Exception {
        queue.sessionStarted(false);
        queue.connected(connection);
        queue.completeRequest(connection, 12345, new byte[] {1}); // a stray answer creates nothing either
        assertThat(queue.hasBuffer()).isFalse();
        assertThat(queue.hasTimeouts()).isFalse();
        assertThat(connection.hasRegistry()).isFalse();
        assertThat(queue.bufferedCount()).isZero();
        assertThat(queue.awaitingAck()).isZero();
        assertThat(queue.nothingInFlight()).isTrue();

        SendOp direct = send(1); // written at once, not kept: still no buffer
        assertThat((Object) ch.readOutbound()).isInstanceOf(Send.class);
        assertThat(direct).isCompleted();
        assertThat(queue.hasBuffer()).isFalse();

        RequestOp r = request(2);
        Request written = ch.readOutbound();
        assertThat(connection.hasRegistry()).isTrue();
        assertThat(queue.hasTimeouts()).isTrue();
        assertThat(queue.hasBuffer()).isFalse();
        queue.completeRequest(connection, written.id(), new byte[] {5});
        assertThat(r.get(1, SECONDS)).containsExactly(5);
        assertThat(counters.requestsInFlight()).isZero();

        queue.disconnected();
        SendOp waiting = send(3); // the first send that must wait makes the buffer
        assertThat(queue.hasBuffer()).isTrue();
        assertThat(queue.bufferedCount()).isEqualTo(1);
        queue.connected(connection);
        Send out = ch.readOutbound();
        assertThat(out.payload()).hasSize(3);
        assertThat(waiting).isCompleted();
    }

    @Test
    void anIdleClientWithResumptionMakesItsBufferAtTheFirstKeptSendAndSessionChangesNeedNone() throws Exception {
        queue.sessionStarted(true);
        queue.connected(connection);
        assertThat(queue.acknowledge(0)).isTrue();
        assertThat(queue.resumed(0)).isTrue();
        queue.sessionLost(dev.tether.client.UnacknowledgedSends.FAIL,
                new dev.tether.client.SessionLostException(new dev.tether.client.SessionLoss(
                        dev.tether.client.SessionLoss.Kind.NOT_RESUMED, "a", "b", -1, 0, 0)), true);
        assertThat(queue.unacknowledged()).isZero();
        assertThat(queue.hasBuffer()).isFalse();

        SendOp kept = send(4); // numbered: kept until its ACK, so the buffer exists from now on
        Send out = ch.readOutbound();
        assertThat(out.sequence()).isZero();
        assertThat(queue.hasBuffer()).isTrue();
        assertThat(queue.awaitingAck()).isEqualTo(1);
        assertThat(kept).isNotDone();
        assertThat(queue.acknowledge(1)).isTrue();
        assertThat(kept).isCompleted();
        assertThat(queue.hasTimeouts()).isFalse();
    }

    @Test
    void closingAClientThatNeverBufferedOrRequestedNeedsNeither() {
        queue.connected(connection);
        state = ConnectionState.CLOSED;
        queue.close(new ClientClosedException("closed"));
        queue.failBuffered(new ClientClosedException("closed"));
        queue.failInFlight(connection, new ConnectionLostException("gone"));
        assertThat(queue.hasBuffer()).isFalse();
        assertThat(queue.hasTimeouts()).isFalse();
        assertThat(connection.hasRegistry()).isFalse();
    }

    @Test
    void aFullBufferRefusesAtOnceAndSaysWhy() {
        send(1);
        send(1);
        send(1);
        SendOp fourth = send(1);
        assertThatThrownBy(() -> fourth.get(1, SECONDS)).cause().isInstanceOf(SendBufferFullException.class)
                .hasMessageContaining("3/3 messages").hasMessageContaining("CONNECTED");
    }

    @Test
    void aResponseOrAnErrorEndsItsRequestAndLateOrUnknownAnswersAreIgnored() throws Exception {
        queue.connected(connection);
        RequestOp ok = request(1);
        RequestOp failed = request(1);
        queue.completeRequest(connection, ok.id, new byte[] {9});
        queue.failRequest(connection, new ErrorMessage(failed.id, ErrorCode.APPLICATION_ERROR, "nope"));
        assertThat(ok.get(1, SECONDS)).containsExactly(9);
        assertThatThrownBy(() -> failed.get(1, SECONDS)).cause().isInstanceOf(ServerErrorException.class)
                .hasMessageContaining("nope");
        queue.completeRequest(connection, ok.id, new byte[] {1}); // a second answer: ignored
        queue.completeRequest(connection, 12345, new byte[] {1}); // never asked: ignored
        assertThat(counters.requestsInFlight()).isZero();
    }

    @Test
    void aRequestWithoutAnswerTimesOutOnTheSchedulersClockAndItsLateAnswerIsIgnored() throws Exception {
        queue.connected(connection);
        RequestOp r = request(1);
        time.forward(Duration.ofMillis(9_999));
        assertThat(r).isNotDone();
        time.forward(Duration.ofMillis(1));
        assertThatThrownBy(() -> r.get(1, SECONDS)).cause().isInstanceOf(RequestTimeoutException.class)
                .hasMessageContaining("within 10000 ms");
        assertThat(counters.requestsInFlight()).isZero();
        queue.completeRequest(connection, r.id, new byte[] {1});
        assertThat(counters.requestsInFlight()).isZero();
    }

    @Test
    void aLostConnectionFailsItsRequestsInFlightAndNothingElse() {
        queue.connected(connection);
        RequestOp inFlight = request(1);
        queue.disconnected();
        RequestOp waiting = request(1);
        queue.failInFlight(connection, new ConnectionLostException("gone"));
        assertThatThrownBy(() -> inFlight.get(1, SECONDS)).cause().isInstanceOf(ConnectionLostException.class);
        assertThat(waiting).isNotDone();
        assertThat(queue.bufferedCount()).isEqualTo(1);
        assertThat(counters.requestsInFlight()).isZero();
    }

    @Test
    void onceTheClientIsClosedNewOperationsFailAndTheLastAnswerIsReported() throws Exception {
        queue.connected(connection);
        RequestOp r = request(1);
        state = ConnectionState.CLOSED;
        SendOp late = send(1);
        assertThatThrownBy(() -> late.get(1, SECONDS)).cause().isInstanceOf(ClientClosedException.class);
        queue.completeRequest(connection, r.id, new byte[0]);
        assertThat(r.get(1, SECONDS)).isEmpty();
        assertThat(lastRequestDoneCalls).isEqualTo(1);
    }

    @Test
    void aPayloadOverTheMaximumFrameLengthFailsAtOnce() {
        CompletableFuture<byte[]> tooBig = request(1024 - 12 + 1);
        assertThatThrownBy(() -> tooBig.get(1, SECONDS)).cause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds maxFrameLength 1024");
        assertThat(queue.bufferedCount()).isZero();
    }

    @Test
    void theRequestIsItsOwnFutureAndAStrayRunOfItDoesNotSendItTwice() throws Exception {
        queue.connected(connection);
        RequestOp r = request(1);
        r.run(); // the application holds r as a CompletableFuture, which it could cast to the Runnable it also is
        Request written = ch.readOutbound();
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(counters.requestsInFlight()).isEqualTo(1);

        queue.completeRequest(connection, written.id(), new byte[] {7});
        assertThat(r.get(1, SECONDS)).containsExactly(7);
        r.run();
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(counters.requestsInFlight()).isZero();
    }

    @Test
    void aCancelledRequestInFlightLeavesAtOnceAndItsLateAnswerIsDroppedAndCounted() throws Exception {
        queue.connected(connection);
        RequestOp r = request(1);
        Request written = ch.readOutbound();
        assertThat(counters.requestsInFlight()).isEqualTo(1);

        assertThat(r.cancel(false)).isTrue();
        assertThat(counters.requestsInFlight()).isZero();
        assertThat(connection.requestsInFlight()).isZero();

        queue.completeRequest(connection, written.id(), new byte[] {1});
        queue.failRequest(connection, new ErrorMessage(written.id(), ErrorCode.APPLICATION_ERROR, "late"));
        assertThat(r).isCancelled();
        assertThat(counters.requestsInFlight()).isZero();
        assertThat(counters.snapshot(state, 0, 0, 0).answersDropped()).isEqualTo(2);

        time.forward(Duration.ofSeconds(10)); // the timer, left armed, fires at the old deadline and finds nothing
        assertThat(r).isCancelled();
        assertThat(counters.requestsInFlight()).isZero();
        assertThat(time.pendingDelays()).as("no timer once nothing is pending").isEmpty();
    }

    @Test
    void aCancelledRequestInTheBufferLeavesItAndIsNeverWritten() {
        RequestOp cancelled = request(5);
        RequestOp kept = request(2);
        assertThat(queue.bufferedCount()).isEqualTo(2);

        cancelled.cancel(false);
        assertThat(queue.bufferedCount()).isEqualTo(1);
        assertThat(queue.bufferedBytes()).isEqualTo(2);

        queue.connected(connection);
        Request written = ch.readOutbound();
        assertThat(written.id()).isEqualTo(kept.id);
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(counters.requestsInFlight()).isEqualTo(1);
    }

    @Test
    void cancellingTheLastRequestInFlightLetsAClosingClientFinish() {
        queue.connected(connection);
        RequestOp r = request(1);
        state = ConnectionState.CLOSED;
        r.cancel(true);
        assertThat(lastRequestDoneCalls).isEqualTo(1);
        r.cancel(true);
        assertThat(lastRequestDoneCalls).as("a second cancel changes nothing").isEqualTo(1);
        assertThat(counters.requestsInFlight()).isZero();
    }

    @Test
    void cancellingADerivedFutureDoesNotWithdrawTheRequest() {
        queue.connected(connection);
        RequestOp r = request(1);
        r.thenApply(b -> b.length).cancel(false);
        assertThat(r).isNotDone();
        assertThat(counters.requestsInFlight()).isEqualTo(1);
    }

    @Test
    void aRequestCancelledAfterItTimedOutIsCountedOnce() throws Exception {
        queue.connected(connection);
        RequestOp r = request(1);
        time.forward(Duration.ofSeconds(10));
        assertThat(r.cancel(false)).isFalse();
        assertThat(counters.requestsInFlight()).isZero();
    }

    // ---- session resumption: numbered sends kept until acknowledged ----

    @Test
    void numberedSendsAreKeptUntilACumulativeAckCoversThem() {
        queue.sessionStarted(true);
        queue.connected(connection);
        SendOp a = send(1);
        SendOp b = send(1);
        assertThat(((Send) ch.readOutbound()).sequence()).isZero();
        assertThat(((Send) ch.readOutbound()).sequence()).isEqualTo(1);
        assertThat(a).isNotDone(); // written, not yet acknowledged
        assertThat(queue.awaitingAck()).isEqualTo(2);

        assertThat(queue.acknowledge(1)).isTrue();
        assertThat(a).isCompleted();
        assertThat(b).isNotDone();
        assertThat(queue.acknowledge(0)).as("lower than before: ignored, not an error").isTrue();
        assertThat(queue.acknowledge(3)).as("more than was sent").isFalse();
        assertThat(queue.acknowledge(2)).isTrue();
        assertThat(b).isCompleted();
        assertThat(queue.awaitingAck()).isZero();
        assertThat(counters.snapshot(state, 0, 0, 0).sendsAcknowledged()).isEqualTo(2);
    }

    @Test
    void anAckWhereSendsAreNotNumberedIsRefused() {
        queue.sessionStarted(false);
        queue.connected(connection);
        SendOp s = send(1);
        assertThat(((Send) ch.readOutbound()).sequence()).isEqualTo(Send.NO_SEQUENCE);
        assertThat(s).isCompleted(); // written is done, without resumption
        assertThat(queue.acknowledge(0)).isFalse();
    }

    @Test
    void afterAResumeTheSendsTheServerLacksGoFirstWithTheirSequencesThenTheBufferedOnes() {
        queue.sessionStarted(true);
        queue.connected(connection);
        SendOp a = send(1);
        SendOp b = send(1);
        ch.readOutbound();
        ch.readOutbound();
        queue.disconnected();
        SendOp c = send(1); // waits in the buffer
        assertThat(queue.bufferedCount()).isEqualTo(1);

        assertThat(queue.resumed(3)).as("the server cannot have more than was sent").isFalse();
        assertThat(queue.resumed(1)).isTrue();
        assertThat(a).isCompleted();
        assertThat(queue.bufferedCount()).isEqualTo(2);
        queue.connected(connection);
        Send first = ch.readOutbound();
        Send second = ch.readOutbound();
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(first.payload()).isSameAs(b.payload);
        assertThat(second.sequence()).isEqualTo(2);
        assertThat(second.payload()).isSameAs(c.payload);
        assertThat(counters.snapshot(state, 0, 0, 0).sendsRetransmitted()).isEqualTo(1);
    }

    @Test
    void sequencesRunUpTo2To63Minus2ThenTheSessionMustEnd() {
        queue.startSequencesAt(Long.MAX_VALUE - 2);
        queue.sessionStarted(true);
        queue.connected(connection);
        SendOp a = send(1);
        SendOp b = send(1);
        SendOp c = send(1);
        assertThat(((Send) ch.readOutbound()).sequence()).isEqualTo(Long.MAX_VALUE - 2);
        assertThat(((Send) ch.readOutbound()).sequence()).isEqualTo(Long.MAX_VALUE - 1);
        // An ACK can say at most 2^63-1 ("every send below"): a send numbered 2^63-1 could never be covered.
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(sequencesExhausted).isEqualTo(1);
        assertThat(c).isNotDone();
        assertThat(queue.bufferedCount()).isEqualTo(1); // waits for the next session, first in line

        assertThat(queue.acknowledge(Long.MAX_VALUE)).isTrue();
        assertThat(a).isCompleted();
        assertThat(b).isCompleted();
        queue.sessionStarted(true); // a new session numbers from the start again
        queue.connected(connection);
        assertThat(((Send) ch.readOutbound()).sequence()).isEqualTo(Long.MAX_VALUE - 2);
    }

    @Test
    void aSessionLostWithTheFailPolicyFailsWhatAwaitedItsAck() {
        queue.sessionStarted(true);
        queue.connected(connection);
        SendOp a = send(1);
        queue.disconnected();
        dev.tether.client.SessionLostException lost = new dev.tether.client.SessionLostException(
                new dev.tether.client.SessionLoss(dev.tether.client.SessionLoss.Kind.NOT_RESUMED, "a", "b", -1, 0, 1));
        queue.sessionLost(dev.tether.client.UnacknowledgedSends.FAIL, lost, true);
        assertThatThrownBy(() -> a.get(1, SECONDS)).cause().isSameAs(lost);
        assertThat(queue.awaitingAck()).isZero();
        assertThat(counters.snapshot(state, 0, 0, 0).sendsFailedOnSessionLoss()).isEqualTo(1);
    }

    @Test
    void aClosingClientWaitsForTheLastAckAndThenIsTold() {
        queue.sessionStarted(true);
        queue.connected(connection);
        SendOp a = send(1);
        state = ConnectionState.CLOSED;
        assertThat(queue.nothingInFlight()).isFalse();
        queue.acknowledge(1);
        assertThat(a).isCompleted();
        assertThat(lastRequestDoneCalls).isEqualTo(1);
        assertThat(queue.nothingInFlight()).isTrue();
    }
}
