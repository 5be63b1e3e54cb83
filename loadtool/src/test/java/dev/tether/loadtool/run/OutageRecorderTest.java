package dev.tether.loadtool.run;

import static dev.tether.client.ConnectionState.CLOSED;
import static dev.tether.client.ConnectionState.CONNECTED;
import static dev.tether.client.ConnectionState.CONNECTING;
import static dev.tether.client.ConnectionState.DRAINING;
import static dev.tether.client.ConnectionState.IDLE;
import static dev.tether.client.ConnectionState.RECONNECTING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ConnectionState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recorder on fake time: scripted state changes, the clock is a number. */
class OutageRecorderTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long ORIGIN = 5 * S; // the run's clock need not start at 0

    private final List<Long> downTimes = new ArrayList<>();
    private final OutageRecorder recorder = new OutageRecorder(3, ORIGIN, downTimes::add);

    private void at(long sinceOrigin, int client, ConnectionState from, ConnectionState to) {
        recorder.changed(client, from, to, ORIGIN + sinceOrigin);
    }

    private void connectAll(long at) {
        for (int i = 0; i < 3; i++) {
            at(at, i, IDLE, CONNECTING);
            at(at, i, CONNECTING, CONNECTED);
        }
    }

    @Test
    void firstConnectsAreNoOutage() {
        connectAll(0);
        assertThat(recorder.episodes()).isEmpty();
        assertThat(recorder.attempts()).isZero();
        assertThat(downTimes).isEmpty();
    }

    @Test
    void anEpisodeLastsUntilEveryClientIsBack() {
        connectAll(0);
        at(10 * S, 0, CONNECTED, RECONNECTING);
        at(10 * S + 1 * MS, 1, CONNECTED, RECONNECTING);
        at(10 * S + 2 * MS, 2, CONNECTED, RECONNECTING);
        // client 0 retries twice, the first attempt fails
        at(10 * S + 500 * MS, 0, RECONNECTING, CONNECTING);
        at(10 * S + 600 * MS, 0, CONNECTING, RECONNECTING);
        at(11 * S + 100 * MS, 0, RECONNECTING, CONNECTING);
        at(11 * S + 200 * MS, 0, CONNECTING, CONNECTED);
        at(11 * S + 300 * MS, 1, RECONNECTING, CONNECTING);
        at(11 * S + 400 * MS, 1, CONNECTING, CONNECTED);
        assertThat(recorder.down()).isEqualTo(1);
        assertThat(recorder.episodes()).singleElement().satisfies(e -> assertThat(e.recovered()).isFalse());
        at(13 * S + 500 * MS, 2, RECONNECTING, CONNECTING);
        at(13 * S + 502 * MS, 2, CONNECTING, CONNECTED);

        assertThat(recorder.down()).isZero();
        OutageRecorder.Episode e = recorder.episodes().get(0);
        assertThat(e.startSeconds()).isEqualTo(10.0);
        assertThat(e.allBackNanos()).isEqualTo(3 * S + 502 * MS);
        assertThat(e.disconnects()).isEqualTo(3);
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(e.reconnects()).isEqualTo(3);
        assertThat(e.peakReconnectsPerSecond()).isEqualTo(2); // two came back in second 11, one in second 13
        assertThat(downTimes).containsExactly(1200 * MS, 1399 * MS, 3500 * MS);
        assertThat(recorder.perSecond().get(10L)).containsExactly(3, 1, 0);
        assertThat(recorder.perSecond().get(11L)).containsExactly(0, 2, 2);
        assertThat(recorder.perSecond().get(13L)).containsExactly(0, 1, 1);
    }

    @Test
    void separateOutagesAreSeparateEpisodes() {
        connectAll(0);
        at(2 * S, 1, CONNECTED, RECONNECTING);
        at(2 * S + 300 * MS, 1, RECONNECTING, CONNECTING);
        at(2 * S + 400 * MS, 1, CONNECTING, CONNECTED);
        at(7 * S, 2, CONNECTED, RECONNECTING);
        assertThat(recorder.live(ORIGIN + 8 * S)).contains("outage 1.0s: 1 down, 0 back");
        at(7 * S + 900 * MS, 2, RECONNECTING, CONNECTING);
        at(8 * S, 2, CONNECTING, CONNECTED);
        assertThat(recorder.live(ORIGIN + 8 * S)).isEmpty();

        assertThat(recorder.episodes()).extracting(OutageRecorder.Episode::allBackNanos).containsExactly(400 * MS, 1 * S);
        assertThat(recorder.episodes()).extracting(OutageRecorder.Episode::startSeconds).containsExactly(2.0, 7.0);
    }

    @Test
    void aDrainIsCountedAsADrainAndClosingIsNoOutage() {
        connectAll(0);
        at(1 * S, 0, CONNECTED, DRAINING);
        at(1 * S + 100 * MS, 0, DRAINING, CONNECTING);
        at(1 * S + 150 * MS, 0, CONNECTING, CONNECTED);
        assertThat(recorder.drains()).isEqualTo(1);
        assertThat(recorder.episodes()).singleElement().satisfies(e -> {
            assertThat(e.drains()).isEqualTo(1);
            assertThat(e.allBackNanos()).isEqualTo(150 * MS);
        });
        at(2 * S, 1, CONNECTED, CLOSED);
        assertThat(recorder.episodes()).hasSize(1);
        assertThat(recorder.down()).isZero();
    }
}
