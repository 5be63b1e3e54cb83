package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ClientConfig;
import dev.tether.client.Resumption;
import dev.tether.protocol.Ack;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.Push;
import dev.tether.protocol.Welcome;
import org.junit.jupiter.api.Test;

/** The inbound half of a session: the hello it presents, push de-duplication, and one ACK per read batch. */
class ClientSessionTest {
    private static final ClientConfig CONFIG = ClientConfig.builder().endpoint("127.0.0.1", 7000).clientId("me").build();
    private static final byte[] TOKEN = {1, 2, 3};

    private final ClientCounters counters = new ClientCounters();
    private final ClientSession session = new ClientSession(CONFIG, counters);

    private static Welcome fresh(String id) {
        return new Welcome(2, 30_000, 1 << 20, id, TOKEN);
    }

    private static Push push(long sequence) {
        return new Push(null, Push.NO_TIMESTAMP, sequence, new byte[] {(byte) sequence});
    }

    private long stat(java.util.function.ToLongFunction<dev.tether.client.ClientStats> f) {
        return f.applyAsLong(counters.snapshot(dev.tether.client.ConnectionState.CONNECTED, 0, 0, 0));
    }

    @Test
    void theFirstHelloAsksForVersionTwoWithoutATokenAndLaterOnesPresentTheSession() {
        Hello first = session.hello(CONFIG);
        assertThat(first.maxVersion()).isEqualTo(Protocol.VERSION_2);
        assertThat(first.resumeToken()).isNull();
        assertThat(first.pushesReceived()).isEqualTo(Hello.NO_SEQUENCE);

        Welcome w = fresh("s-1");
        session.started(w, session.resumptionOf(w));
        session.acceptPush(push(0), session.epoch());
        session.acceptPush(push(1), session.epoch());
        Hello again = session.hello(CONFIG);
        assertThat(again.resumeToken()).containsExactly(TOKEN);
        assertThat(again.pushesReceived()).isEqualTo(2);
        assertThat(again.clientId()).isEqualTo("me");
    }

    @Test
    void withResumptionOffTheHelloIsVersionOne() {
        ClientConfig off = CONFIG.toBuilder().resumption(false).build();
        ClientSession s = new ClientSession(off, counters);
        assertThat(s.hello(off).maxVersion()).isEqualTo(Protocol.VERSION_1);
        assertThat(s.resumptionOf(fresh("s-1"))).isEqualTo(Resumption.OFF);
        assertThat(counters.snapshot(dev.tether.client.ConnectionState.IDLE, 0, 0, 0).resumption()).isEqualTo(Resumption.OFF);
    }

    @Test
    void resumptionIsOnOnlyForAVersionTwoWelcomeWithAToken() {
        assertThat(session.resumptionOf(fresh("s"))).isEqualTo(Resumption.ON);
        assertThat(session.resumptionOf(new Welcome(2, 0, 1 << 20, "s", null))).isEqualTo(Resumption.NOT_OFFERED);
        assertThat(session.resumptionOf(new Welcome(0, 1 << 20, "s"))).isEqualTo(Resumption.NOT_OFFERED);
    }

    @Test
    void duplicatesAreDroppedAndAGapIsCountedMissingButDelivered() {
        Welcome w = fresh("s-1");
        session.started(w, Resumption.ON);
        int e = session.epoch();
        assertThat(session.acceptPush(push(0), e)).isTrue();
        assertThat(session.acceptPush(push(0), e)).isFalse();
        assertThat(session.acceptPush(push(1), e)).isTrue();
        assertThat(session.acceptPush(push(5), e)).isTrue(); // 2, 3, 4 never came
        assertThat(session.acceptPush(push(3), e)).isFalse(); // below what is expected now
        assertThat(stat(s -> s.pushDuplicatesDropped())).isEqualTo(2);
        assertThat(stat(s -> s.pushesMissing())).isEqualTo(3);
        assertThat(session.ackToWrite(e)).isEqualTo(new Ack(6));
        // A push without a sequence, or from a session since replaced, is delivered as it is.
        assertThat(session.acceptPush(new Push(new byte[1]), e)).isTrue();
        assertThat(session.acceptPush(push(0), e - 1)).isTrue();
    }

    @Test
    void oneAckPerReadBatchAndNoneWhenNothingNewArrived() {
        session.started(fresh("s-1"), Resumption.ON);
        int e = session.epoch();
        assertThat(session.ackToWrite(e)).as("nothing read yet").isNull();
        session.acceptPush(push(0), e);
        session.acceptPush(push(1), e);
        session.acceptPush(push(2), e);
        assertThat(session.ackToWrite(e)).isEqualTo(new Ack(3));
        assertThat(session.ackToWrite(e)).as("the same batch: once").isNull();
        session.acceptPush(push(1), e); // only a duplicate: the server has this count already
        assertThat(session.ackToWrite(e)).isNull();
        assertThat(session.ackToWrite(e + 1)).as("a connection of another session").isNull();
    }

    @Test
    void aDelayedAckLosesNothingTheResumingHelloCountsEveryPushReceived() {
        session.started(fresh("s-1"), Resumption.ON);
        int e = session.epoch();
        session.acceptPush(push(0), e);
        assertThat(session.ackToWrite(e)).as("the first batch of a connection").isEqualTo(new Ack(1));
        session.acceptPush(push(1), e);
        session.acceptPush(push(2), e);
        assertThat(session.ackToWrite(e)).as("may wait").isNull();
        assertThat(session.ackOwed(e)).isTrue();
        // The connection drops before the delay passes: the hello says 3, so the server replays only from 3.
        assertThat(session.hello(CONFIG).pushesReceived()).isEqualTo(3);
        session.resumed(new Welcome(2, 0, 1 << 20, "s-1", TOKEN, 0, 0, 0), 3);
        assertThat(session.ackOwed(e)).as("the hello acknowledged them").isFalse();
        assertThat(session.acceptPush(push(3), e)).isTrue();
        assertThat(session.ackToWrite(e)).as("the first batch on the new connection").isEqualTo(new Ack(4));
    }

    @Test
    void theDelayedAckIsWrittenWhenAskedEvenIfItMayWait() {
        session.started(fresh("s-1"), Resumption.ON);
        int e = session.epoch();
        session.acceptPush(push(0), e);
        session.ackToWrite(e);
        session.acceptPush(push(1), e);
        assertThat(session.ackToWrite(e)).isNull();
        assertThat(session.ackToWrite(e + 1, true)).as("another session's connection").isNull();
        assertThat(session.ackToWrite(e, true)).isEqualTo(new Ack(2));
        assertThat(session.ackOwed(e)).isFalse();
        assertThat(session.ackToWrite(e, true)).isNull();
    }

    @Test
    void aResumeExpectsTheFirstPushTheServerStillHad() {
        session.started(fresh("s-1"), Resumption.ON);
        session.acceptPush(push(0), session.epoch());
        int epoch = session.epoch();
        // the client said it had 1; the server's window starts at 4: 1, 2, 3 are lost, 4 and 5 replayed
        session.resumed(new Welcome(2, 0, 1 << 20, "s-1", TOKEN, 10, 3, 2), 1);
        assertThat(session.epoch()).as("a resumed session keeps its epoch").isEqualTo(epoch);
        assertThat(stat(s -> s.pushesMissing())).isEqualTo(3);
        assertThat(stat(s -> s.pushesReplayed())).isEqualTo(2);
        assertThat(stat(s -> s.resumesSucceeded())).isEqualTo(1);
        assertThat(session.acceptPush(push(3), epoch)).isFalse();
        assertThat(session.acceptPush(push(4), epoch)).isTrue();
        assertThat(session.ackToWrite(epoch)).as("the first batch on the new connection acknowledges").isEqualTo(new Ack(5));
    }

    @Test
    void pushSequencesNearTheirLimitNeverWrapAround() {
        session.startPushesAt(Long.MAX_VALUE - 2);
        session.started(fresh("s-1"), Resumption.ON);
        int e = session.epoch();
        assertThat(session.acceptPush(push(Long.MAX_VALUE - 2), e)).isTrue();
        assertThat(session.acceptPush(push(Long.MAX_VALUE - 1), e)).isTrue();
        assertThat(session.ackToWrite(e)).isEqualTo(new Ack(Long.MAX_VALUE));
        assertThat(session.acceptPush(push(Long.MAX_VALUE - 1), e)).isFalse();
        assertThat(session.hello(CONFIG).pushesReceived()).isEqualTo(Long.MAX_VALUE);
        assertThat(stat(s -> s.pushesMissing())).isZero();
    }
}
