package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The send buffer's two lists against a plain oracle: what waits and what awaits its acknowledgement share
 * one pair of bounds, acknowledged sends leave from the head, and a requeue puts the unacknowledged ones back
 * in front of what waits, in order.
 */
class SendBufferTest {
    private final SendBuffer buffer = new SendBuffer(4, 100);

    private static SendOp send(int size) {
        return new SendOp(null, new byte[size]);
    }

    private List<Op<?>> drain() {
        List<Op<?>> out = new ArrayList<>();
        for (Op<?> op; (op = buffer.poll()) != null; ) {
            out.add(op);
        }
        return out;
    }

    @Test
    void sendsAwaitingAcknowledgementCountAgainstBothBounds() {
        SendOp a = send(40);
        SendOp b = send(40);
        buffer.retain(a);
        buffer.retain(b);
        assertThat(buffer.awaiting()).isEqualTo(2);
        assertThat(buffer.awaitingBytes()).isEqualTo(80);
        assertThat(buffer.offer(send(21))).as("80 + 21 > 100 bytes").isFalse();
        assertThat(buffer.offer(send(20))).isTrue();
        assertThat(buffer.offer(send(0))).isTrue(); // 4 messages: 2 awaiting + 2 waiting
        assertThat(buffer.hasRoomFor(send(0))).as("5th message").isFalse();

        assertThat(buffer.pollAwaiting()).isSameAs(a);
        assertThat(buffer.hasRoomFor(send(0))).isTrue();
        assertThat(buffer.oldestAwaiting()).isSameAs(b);
    }

    @Test
    void aRequeuePutsTheUnacknowledgedSendsBackInFrontInTheirOrder() {
        SendOp a = send(1);
        SendOp b = send(2);
        SendOp c = send(3);
        SendOp waiting = send(4);
        buffer.retain(a);
        buffer.retain(b);
        buffer.retain(c);
        buffer.offer(waiting);
        assertThat(buffer.pollAwaiting()).isSameAs(a); // acknowledged

        assertThat(buffer.requeueAwaiting()).isEqualTo(2);
        assertThat(buffer.awaiting()).isZero();
        assertThat(buffer.size()).isEqualTo(3);
        assertThat(buffer.bytes()).isEqualTo(9);
        assertThat(buffer.oldestAwaiting()).isNull();
        assertThat(drain()).containsExactly(b, c, waiting);
        assertThat(buffer.isEmpty()).isTrue();
        assertThat(buffer.bytes()).isZero();
    }

    @Test
    void aRequeueIntoAnEmptyBufferAndAPushFrontKeepTheListWhole() {
        SendOp a = send(1);
        SendOp b = send(1);
        buffer.retain(a);
        buffer.retain(b);
        buffer.requeueAwaiting();
        SendOp taken = (SendOp) buffer.poll();
        assertThat(taken).isSameAs(a);
        buffer.pushFront(taken); // could not be written after all
        SendOp later = send(1);
        buffer.offer(later);
        buffer.remove(b); // from the middle
        assertThat(drain()).containsExactly(a, later);
        assertThat(buffer.size()).isZero();
        assertThat(buffer.requeueAwaiting()).as("nothing awaits").isZero();
    }
}
