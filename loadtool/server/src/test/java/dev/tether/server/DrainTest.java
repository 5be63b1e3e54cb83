package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Message;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Graceful drain, with raw sockets: GO_AWAY first, requests in flight still answered, then close. */
class DrainTest {

    private static ReferenceServer start(ServerBuilder b) {
        return b.host("127.0.0.1").port(0).eventLoopThreads(2).start();
    }

    @Test
    void drainSendsGoAwayFinishesRequestsInFlightThenCloses() throws IOException {
        ReferenceServer server = start(new ServerBuilder().serviceTime(ServiceTime.fixed(Duration.ofMillis(500)))
                .reconnectAfter(Duration.ofMillis(1500)).drainTimeout(Duration.ofSeconds(10)));
        try (RawClient a = RawClient.connected(server); RawClient b = RawClient.connected(server)) {
            a.send(new Request(1, new byte[] {1}));
            b.send(new Request(2, new byte[] {2}));
            Await.until(Duration.ofSeconds(5), () -> server.sessions().stream().mapToInt(SessionInfo::requestsInFlight).sum() == 2,
                    () -> "" + server.sessions());

            var drained = server.drain();
            for (RawClient c : List.of(a, b)) {
                // GO_AWAY and the answer to the request in flight, then the close (under a heavy load the
                // answer may overtake the go-away: both orders are correct).
                List<Message> got = c.readUntilClosed();
                assertThat(got).hasSize(2);
                assertThat(got).filteredOn(m -> m instanceof GoAway).singleElement()
                        .satisfies(m -> assertThat(((GoAway) m).reconnectAfterMillis()).isEqualTo(1500));
                assertThat(got).filteredOn(m -> m instanceof Response).hasSize(1);
            }
            drained.get(10, TimeUnit.SECONDS);
            assertThat(server.sessions()).isEmpty();
            assertThat(server.stats().connections()).isZero();
            assertThatThrownBy(() -> new RawClient(server.port())).isInstanceOf(ConnectException.class);
        } catch (Exception e) {
            server.closeNow();
            throw new AssertionError(e);
        }
    }

    @Test
    void aRequestArrivingAfterTheGoAwayIsAnsweredDrainingWithoutBeingServed() throws Exception {
        // The first request never finishes, so the session stays open until the drain timeout.
        ReferenceServer server = start(new ServerBuilder().serviceTime(ServiceTime.fixed(Duration.ofMinutes(1)))
                .drainTimeout(Duration.ofSeconds(3)));
        try (RawClient a = RawClient.connected(server)) {
            a.send(new Request(1, new byte[] {1}));
            Await.until(Duration.ofSeconds(5), () -> server.sessions().get(0).requestsInFlight() == 1, () -> "" + server.sessions());
            server.drain();
            a.read(GoAway.class);
            a.send(new Request(2, new byte[] {2})); // as if written before the client read the go-away
            dev.tether.protocol.ErrorMessage late = a.read(dev.tether.protocol.ErrorMessage.class);
            assertThat(late.id()).isEqualTo(2);
            assertThat(late.errorCode()).isEqualTo(ErrorCode.DRAINING);
            assertThat(server.stats().requestsTotal()).isEqualTo(2);
            assertThat(server.sessions().get(0).requestsInFlight()).isEqualTo(1); // request 2 was not started
            assertThat(a.readUntilClosed()).isEmpty(); // closed at the drain timeout, request 1 unanswered
            server.terminationFuture().get(10, TimeUnit.SECONDS);
        } finally {
            server.closeNow();
        }
    }

    @Test
    void aSessionStillInTheHandshakeIsToldTheServerIsDraining() throws Exception {
        ReferenceServer server = start(new ServerBuilder());
        try (RawClient pending = new RawClient(server.port())) {
            Await.until(Duration.ofSeconds(5), () -> server.stats().connections() == 1, () -> "" + server.stats());
            server.drain();
            assertThat(pending.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.DRAINING);
            server.terminationFuture().get(10, TimeUnit.SECONDS);
        } finally {
            server.closeNow();
        }
    }

    @Test
    void theDrainTimeoutBoundsTheWaitForRequestsInFlight() throws Exception {
        ReferenceServer server = start(new ServerBuilder().serviceTime(ServiceTime.fixed(Duration.ofMinutes(10)))
                .drainTimeout(Duration.ofMillis(300)));
        try (RawClient a = RawClient.connected(server)) {
            a.send(new Request(1, new byte[] {1}));
            Await.until(Duration.ofSeconds(5), () -> server.sessions().get(0).requestsInFlight() == 1, () -> "" + server.sessions());
            long start = System.nanoTime();
            server.close(); // blocks until closed
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            List<Message> got = a.readUntilClosed();
            assertThat(got).hasSize(1).first().isInstanceOf(GoAway.class); // the request never finished
            assertThat(server.sessions()).isEmpty();
        } finally {
            server.closeNow();
        }
    }

    @Test
    void closeAndDrainAreIdempotent() throws Exception {
        ReferenceServer server = start(new ServerBuilder());
        var first = server.drain();
        assertThat(server.drain()).isSameAs(first);
        server.close();
        server.close();
        server.closeNow();
        assertThat(first).isCompleted();
    }
}
