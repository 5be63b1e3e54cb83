package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.loadtool.ConnectionOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Waiting and cancelling, without a server: the futures are the test's own. */
class ShellSessionTest {
    private final ShellSession session = new ShellSession(ConnectionOptions.of(null, false, null, false), Path.of("."),
            new PrintWriter(new StringWriter()), new RecordingNotices(), Clock.systemUTC(), new FakeBench());

    @AfterEach
    void close() {
        session.close();
    }

    @Test
    void ctrlCCancelsWhatTheCommandWaitsForNotOnlyTheWait() throws Exception {
        CompletableFuture<String> sdkFuture = new CompletableFuture<>();
        CountDownLatch waiting = new CountDownLatch(1);
        session.onWait = waiting::countDown;
        CompletableFuture<Throwable> thrown = CompletableFuture.supplyAsync(() -> {
            try {
                session.await(sdkFuture, null);
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(session.isRunning()).isTrue();

        assertThat(session.cancelRunning()).isTrue();

        assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(ShellSession.Cancelled.class);
        assertThat(sdkFuture).isCancelled(); // the SDK is told, so it need not answer anyone
        assertThat(session.isRunning()).isFalse();
        assertThat(session.cancelRunning()).isFalse(); // nothing left to cancel
    }

    @Test
    void aCopyKeepsTheOriginalForACommandThatGoesOnAfterCtrlC() throws Exception {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        CountDownLatch waiting = new CountDownLatch(1);
        session.onWait = waiting::countDown;
        CompletableFuture<Void> waited = CompletableFuture.runAsync(() ->
                assertThatThrownBy(() -> session.await(result.copy(), null)).isInstanceOf(ShellSession.Cancelled.class));
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        session.cancelRunning();
        waited.get(10, TimeUnit.SECONDS);
        assertThat(result).isNotDone();
        result.complete(3);
        assertThat(session.await(result.copy(), Duration.ofSeconds(1))).isEqualTo(3);
    }

    @Test
    void failuresAndTimeoutsAreOneLineForTheUser() {
        assertThatThrownBy(() -> session.await(CompletableFuture.failedFuture(new IllegalStateException("refused")), null))
                .isInstanceOf(ShellSession.CommandFailed.class).hasMessage("refused");
        assertThatThrownBy(() -> session.await(new CompletableFuture<>(), Duration.ofMillis(1)))
                .hasMessage("no answer within 1.000 ms");
        assertThat(session.prompt()).isEqualTo("tether (not connected)> ");
        assertThat(session.whatTheClientIsDoing()).isEqualTo("no connection yet; connect host:port opens one");
    }
}
