package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.Welcome;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The handshake-rate limit: the bucket on a {@link MockTicker} (what is admitted, what each refused client is
 * told), and the refusal on the wire against a real server whose clock the test holds.
 */
class HandshakeAdmissionTest {
    private final MockTicker ticker = Ticker.newMockTicker();

    private void advanceMillis(long ms) {
        ticker.advance(ms, TimeUnit.MILLISECONDS);
    }

    @Test
    void withoutALimitEveryHelloIsAdmitted() {
        HandshakeAdmission a = new HandshakeAdmission(0, ticker);
        for (int i = 0; i < 100_000; i++) {
            assertThat(a.admit()).isEqualTo(HandshakeAdmission.ADMITTED);
        }
        assertThat(a.limited()).isFalse();
    }

    @Test
    void aBurstOfATenthOfASecondIsAdmittedThenEachRefusedClientGetsTheNextSlot() {
        HandshakeAdmission a = new HandshakeAdmission(100, ticker); // a token every 10 ms, bursts of 10
        for (int i = 0; i < 10; i++) {
            assertThat(a.admit()).as("hello %d of the burst", i).isEqualTo(HandshakeAdmission.ADMITTED);
        }
        List<Long> hints = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hints.add(a.admit());
        }
        assertThat(hints).containsExactly(10L, 20L, 30L, 40L, 50L); // slots one token apart, not one shared delay
    }

    @Test
    void refusedClientsThatComeBackAtTheirSlotAreAdmitted() {
        HandshakeAdmission a = new HandshakeAdmission(100, ticker);
        List<Long> comeBackAt = new ArrayList<>();
        for (int i = 0; i < 1000; i++) { // a wave: 1,000 hellos in the same instant
            long hint = a.admit();
            if (hint != HandshakeAdmission.ADMITTED) {
                comeBackAt.add(hint);
            }
        }
        assertThat(comeBackAt).hasSize(990);
        assertThat(comeBackAt.get(comeBackAt.size() - 1)).isEqualTo(9_900L); // spread over 9.9 s at 100/s
        long now = 0;
        for (long at : comeBackAt) {
            advanceMillis(at - now);
            now = at;
            assertThat(a.admit()).as("the client told %d ms", at).isEqualTo(HandshakeAdmission.ADMITTED);
        }
    }

    @Test
    void noSecondWelcomesMoreThanOnePointOneTimesTheRate() {
        HandshakeAdmission a = new HandshakeAdmission(1000, ticker);
        int[] admittedPerSecond = new int[5];
        for (int ms = 0; ms < 5000; ms++) {
            for (int i = 0; i < 20; i++) { // 20,000 hellos a second
                if (a.admit() == HandshakeAdmission.ADMITTED) {
                    admittedPerSecond[ms / 1000]++;
                }
            }
            advanceMillis(1);
        }
        assertThat(admittedPerSecond[0]).isBetween(1000, 1100);
        for (int s = 1; s < 5; s++) {
            assertThat(admittedPerSecond[s]).isBetween(990, 1010);
        }
    }

    @Test
    void hintsAreCappedAtThirtySeconds() {
        HandshakeAdmission a = new HandshakeAdmission(1, ticker);
        assertThat(a.admit()).isEqualTo(HandshakeAdmission.ADMITTED);
        long last = 0;
        for (int i = 0; i < 100; i++) {
            last = a.admit();
            assertThat(last).isBetween(1L, HandshakeAdmission.MAX_HINT_MILLIS);
        }
        assertThat(last).isEqualTo(HandshakeAdmission.MAX_HINT_MILLIS);
    }

    @Test
    void theBuilderRejectsABadRateWithTheValue() {
        assertThatThrownBy(() -> ServerFixture.builder().maxHandshakeRate(-1))
                .hasMessageContaining("maxHandshakeRate must be in [0, 1000000] handshakes/s: -1.0");
        assertThatThrownBy(() -> ServerFixture.builder().maxHandshakeRate(Double.NaN)).hasMessageContaining("NaN");
    }

    @Test
    void aHelloOverTheLimitGetsGoAwayWithTheHintThenServerBusyThenACleanClose() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().ticker(ticker).maxHandshakeRate(2))) {
            RawClient first = f.session(); // a burst of one at 2/s: one token every 500 ms

            RawClient refused = f.raw();
            refused.send(new Hello(30_000, "second", null));
            List<Message> answer = refused.readUntilClosed();
            assertThat(answer).hasSize(2);
            assertThat(answer.get(0)).isEqualTo(new GoAway(500, "handshake rate limit"));
            ErrorMessage busy = (ErrorMessage) answer.get(1);
            assertThat(busy.id()).isZero();
            assertThat(busy.errorCode()).isEqualTo(ErrorCode.SERVER_BUSY);
            assertThat(busy.text()).contains("retry after 500 ms");
            assertThat(f.server.counters.rejectedBusy.sum()).isEqualTo(1);
            assertThat(f.server.stats().handshakesTotal()).isEqualTo(1);

            advanceMillis(500); // the slot it was told
            RawClient back = f.raw();
            back.send(new Hello(30_000, "second", null));
            assertThat(back.read()).isInstanceOf(Welcome.class);
            assertThat(f.server.stats().handshakesTotal()).isEqualTo(2);
            first.close();
        }
    }

    @Test
    void aWrongTokenIsRefusedAsSuchAndSpendsNoneOfTheBudget() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().ticker(ticker).maxHandshakeRate(1).authToken("t"))) {
            RawClient guess = f.raw(); // the bucket holds one token: had the guess taken it, the next hello would be refused
            guess.send(new Hello(30_000, "guess", "wrong"));
            assertThat(guess.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);
            RawClient good = f.raw();
            good.send(new Hello(30_000, "good", "t"));
            assertThat(good.read()).isInstanceOf(Welcome.class);
        }
    }
}
