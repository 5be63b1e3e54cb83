package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Welcome;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Handshake timeout and idle eviction on real sockets, with the server's clock in the test's hand: the
 * test moves a {@link MockTicker} forward and runs a sweep, instead of waiting for real time to pass.
 */
class TimeoutsTest {
    private final MockTicker ticker = Ticker.newMockTicker();

    private ServerFixture start(ServerBuilder b) {
        return new ServerFixture(b.ticker(ticker));
    }

    private void advanceAndSweep(ServerFixture f, Duration d) {
        ticker.advance(d.toNanos(), TimeUnit.NANOSECONDS);
        f.server.sweepNow().orTimeout(5, TimeUnit.SECONDS).join();
    }

    @Test
    void aConnectionThatNeverSaysHelloIsClosedAtTheHandshakeTimeout() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder().handshakeTimeout(Duration.ofSeconds(10)))) {
            RawClient witness = f.session();
            RawClient silent = f.raw();
            Await.until(Duration.ofSeconds(5), () -> f.server.stats().connections() == 2, () -> "" + f.server.stats());

            advanceAndSweep(f, Duration.ofMillis(9_999));
            assertThat(f.server.stats().connections()).isEqualTo(2); // not yet

            advanceAndSweep(f, Duration.ofMillis(1));
            ErrorMessage e = silent.readErrorAndClose();
            assertThat(e.errorCode()).isEqualTo(ErrorCode.HANDSHAKE_TIMEOUT);
            assertThat(e.text()).contains("10s");
            assertThat(f.server.stats().handshakeTimeouts()).isEqualTo(1);
            // The witness is past its handshake: the handshake timeout does not apply to it.
            witness.send(new Ping(1));
            assertThat(witness.read()).isEqualTo(new Pong(1));
        }
    }

    @Test
    void aSlowDripHelloDoesNotBuyMoreTime() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder().handshakeTimeout(Duration.ofSeconds(10)))) {
            RawClient drip = f.raw();
            byte[] hello = dev.tether.protocol.MessageEncoder.toBytes(new Hello(30_000, "drip", null));
            drip.sendBytes(java.util.Arrays.copyOf(hello, 3)); // a byte now and then, never a whole frame
            Await.until(Duration.ofSeconds(5), () -> f.server.stats().connections() == 1, () -> "" + f.server.stats());
            advanceAndSweep(f, Duration.ofSeconds(10));
            assertThat(drip.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.HANDSHAKE_TIMEOUT);
        }
    }

    @Test
    void aSessionThatSendsNothingForTheIdleTimeoutIsEvicted() throws IOException {
        // Idle timeout defaults to three heartbeat intervals.
        try (ServerFixture f = start(ServerFixture.builder().heartbeatInterval(Duration.ofSeconds(30)))) {
            RawClient idle = f.session();
            RawClient chatty = f.session();

            advanceAndSweep(f, Duration.ofSeconds(60));
            chatty.send(new Ping(1)); // activity resets its clock
            assertThat(chatty.read()).isEqualTo(new Pong(1));
            advanceAndSweep(f, Duration.ofSeconds(29));
            assertThat(f.server.sessions()).hasSize(2); // 89 s of silence: not yet

            advanceAndSweep(f, Duration.ofSeconds(1));
            ErrorMessage e = idle.readErrorAndClose();
            assertThat(e.errorCode()).isEqualTo(ErrorCode.IDLE_TIMEOUT);
            assertThat(e.text()).contains("1m30s");
            assertThat(f.server.stats().evictions()).isEqualTo(1);

            chatty.send(new Ping(2)); // 30 s since its ping: still fine
            assertThat(chatty.read()).isEqualTo(new Pong(2));
        }
    }

    @Test
    void anIdleTimeoutOfZeroNeverEvicts() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder().idleTimeout(Duration.ZERO))) {
            RawClient idle = f.session();
            advanceAndSweep(f, Duration.ofDays(1));
            idle.send(new Ping(1));
            assertThat(idle.read()).isEqualTo(new Pong(1));
            assertThat(f.server.stats().evictions()).isZero();
        }
    }

    @Test
    void sessionTimesComeFromTheInjectedClock() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder())) {
            RawClient c = f.raw();
            c.send(new Hello(30_000, "t", null));
            c.read(Welcome.class);
            SessionInfo before = f.server.sessions().get(0);
            ticker.advance(5, TimeUnit.SECONDS);
            c.send(new Ping(1));
            c.read(Pong.class);
            SessionInfo after = f.server.sessions().get(0);
            assertThat(Duration.between(before.lastActivity(), after.lastActivity())).isEqualTo(Duration.ofSeconds(5));
            assertThat(after.connectedSince()).isEqualTo(before.connectedSince());
        }
    }
}
