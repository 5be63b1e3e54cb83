package dev.tether.loadtool.run;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongUnaryOperator;

/**
 * A connection whose server the test scripts: each request sent at time t is answered at
 * {@code t + serviceTime(t)} on the {@link FakeClock}, when the test calls {@link #answerDue()}.
 */
final class ScriptedConnection implements LoadConnection {
    private record Pending(long at, long seq, CompletableFuture<Object> future) {
    }

    private final FakeClock clock;
    private final LongUnaryOperator serviceTime;
    private final PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long seq;
    boolean connected = true;
    RuntimeException failWith; // when set, every request fails at once with it
    int requests;

    ScriptedConnection(FakeClock clock, LongUnaryOperator serviceTimeAtSend) {
        this.clock = clock;
        this.serviceTime = serviceTimeAtSend;
    }

    @Override
    public CompletableFuture<?> connect() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<?> request(byte[] payload) {
        requests++;
        if (failWith != null) {
            return CompletableFuture.failedFuture(failWith);
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        pending.add(new Pending(clock.now + serviceTime.applyAsLong(clock.now), seq++, f));
        return f;
    }

    @Override
    public CompletableFuture<?> send(byte[] payload) {
        return request(payload);
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public Duration lastHeartbeatRtt() {
        return null;
    }

    /** Operations sent and not answered yet. */
    int pending() {
        return pending.size();
    }

    /** When the next answer is due, or {@link Long#MAX_VALUE}. */
    long nextAnswerAt() {
        return pending.isEmpty() ? Long.MAX_VALUE : pending.peek().at;
    }

    /** Answers every request due by now, in order. */
    void answerDue() {
        while (!pending.isEmpty() && pending.peek().at <= clock.now) {
            pending.poll().future.complete(null);
        }
    }
}
