package dev.tether.client.internal;

import dev.tether.client.ClientConfig;
import dev.tether.client.Resumption;
import dev.tether.protocol.Ack;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.Push;
import dev.tether.protocol.Welcome;

/**
 * The session a client's connections share with the server (PROTOCOL.md §13), on the inbound side: the resume
 * token and session id of the last welcome, whether resumption is on, and the pushes: the sequence of the next
 * push expected (duplicates below it are dropped, a jump above it is counted as missing), and the
 * acknowledgement owed to the server. The outbound side (sends numbered and kept until acknowledged) is the
 * {@link OutboundQueue}'s.
 *
 * <p>Pushes are acknowledged lazily (PROTOCOL.md §13.3): at the end of a read batch only when
 * {@link #ACK_AFTER_PUSHES} pushes or {@link #ACK_AFTER_BYTES} payload bytes are unacknowledged, when the batch
 * brought a duplicate (the server is replaying: it should learn at once what we have), or when it is the first
 * batch on a connection; otherwise the connection arms one timer and acknowledges {@link #ACK_DELAY_NANOS}
 * later, and before a graceful close. A fan-out of small pushes then costs the server one ACK to read per many
 * pushes rather than one per push. Both bounds are far below the reference server's replay window (1,024
 * pushes, 256 KiB), so the delay never makes the window overflow.
 *
 * <p>A fresh (not resumed) session starts a new <em>epoch</em>: a connection remembers the epoch it was opened
 * in, and what arrives on a connection of an older epoch (one draining after a go-away while the next one
 * started a new session) is not taken for the new session's. Confined to the client's event loop.
 */
final class ClientSession {
    /** Unacknowledged pushes that make the end of a read batch acknowledge at once. */
    static final int ACK_AFTER_PUSHES = 128;
    /** Unacknowledged payload bytes that make the end of a read batch acknowledge at once. */
    static final int ACK_AFTER_BYTES = 64 * 1024;
    /** How long an acknowledgement may wait after the read batch that made it owed. */
    static final long ACK_DELAY_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50);
    /** {@link #ack}: nothing owed; an ACK owed that may wait; one to write at the end of this batch. */
    private static final byte ACK_NONE = 0;
    private static final byte ACK_LATER = 1;
    private static final byte ACK_NOW = 2;

    private final boolean enabled;
    private final ClientCounters counters;
    /** The first push sequence of a fresh session: 0, other values only in tests (sequences near their limit). */
    private long firstPushSequence;
    /** The resume token of the current session when resumption is on; null otherwise. */
    private byte[] resumeToken;
    private String sessionId;
    private Resumption resumption;
    private int epoch;
    /** The sequence of the next push expected: every push below it was received (or is known missing). */
    private long pushesExpected;
    /** The value of the last ACK written; -1 before the first on the current connection. */
    private long pushesAcked = -1;
    /** Whether an ACK is owed, and whether it can wait ({@link #ACK_NONE}, {@link #ACK_LATER}, {@link #ACK_NOW}). */
    private byte ack;
    /** Payload bytes of the pushes received since the last ACK written. */
    private int unackedBytes;

    ClientSession(ClientConfig config, ClientCounters counters) {
        this.enabled = config.resumption();
        this.counters = counters;
        this.resumption = enabled ? Resumption.NOT_CONNECTED : Resumption.OFF;
        counters.resumption(resumption);
    }

    /** Tests: fresh sessions expect their first push at {@code sequence} (to reach the sequences' limit). */
    void startPushesAt(long sequence) {
        firstPushSequence = sequence;
        pushesExpected = sequence;
    }

    /**
     * The hello for a new connection: version 1 with resumption off; else version 2, with the session's token
     * and the pushes received when there is a session to resume.
     */
    Hello hello(ClientConfig config) {
        long hb = config.heartbeatInterval().toMillis();
        if (!enabled) {
            return new Hello(Protocol.VERSION_1, hb, config.clientId(), config.authToken(), null);
        }
        return new Hello(Protocol.VERSION_2, hb, config.clientId(), config.authToken(), resumeToken,
                resumeToken == null ? Hello.NO_SEQUENCE : pushesExpected);
    }

    /** Whether a welcome turns resumption on: version 2 or more with a resume token (and the client asked for it). */
    Resumption resumptionOf(Welcome w) {
        if (!enabled) {
            return Resumption.OFF;
        }
        return w.version() >= Protocol.VERSION_2 && w.resumeToken() != null ? Resumption.ON : Resumption.NOT_OFFERED;
    }

    /** Whether the next hello presents a resume token (there is a session the server may resume). */
    boolean hasResumeToken() {
        return resumeToken != null;
    }

    String sessionId() {
        return sessionId;
    }

    int epoch() {
        return epoch;
    }

    Resumption resumption() {
        return resumption;
    }

    /**
     * The server resumed the session: the next push expected is the first it did not lose, or later if it
     * already arrived (on a connection still draining).
     *
     * @param pushesReceived what the hello of this connection said
     */
    void resumed(Welcome w, long pushesReceived) {
        sessionId = w.sessionId();
        resumeToken = w.resumeToken();
        resumption = Resumption.ON;
        counters.resumption(resumption);
        long lost = w.pushesLost();
        counters.resumeSucceeded(w.pushesReplayed());
        if (lost > 0) {
            counters.pushesMissing(lost);
        }
        long next = saturatedAdd(pushesReceived, lost);
        if (next > pushesExpected) {
            pushesExpected = next;
        }
        pushesAcked = -1; // the first batch on this connection acknowledges again
        ack = ACK_NONE;
        unackedBytes = 0;
    }

    /** A new session (the first, or one that replaces a session the server did not resume): a new epoch. */
    void started(Welcome w, Resumption r) {
        sessionId = w.sessionId();
        resumption = r;
        counters.resumption(r);
        resumeToken = r == Resumption.ON ? w.resumeToken() : null;
        epoch++;
        pushesExpected = firstPushSequence;
        pushesAcked = -1;
        ack = ACK_NONE;
        unackedBytes = 0;
    }

    /** Forget the token: the next connection starts a new session (the sequence space is used up). */
    void forgetToken() {
        resumeToken = null;
    }

    /** Whether pushes on a connection opened in {@code connectionEpoch} must carry a sequence (resumption is on). */
    boolean numbersPushes(int connectionEpoch) {
        return resumption == Resumption.ON && connectionEpoch == epoch;
    }

    /**
     * A push arrived on a connection opened in {@code connectionEpoch}: whether to deliver it. Without a sequence
     * (resumption off or not offered), or from an older session, it is delivered as it is. A duplicate (a replay
     * of what was received) is dropped and counted; a jump over expected sequences counts them missing.
     */
    boolean acceptPush(Push p, int connectionEpoch) {
        if (p.sequence() == Push.NO_SEQUENCE || resumption != Resumption.ON || connectionEpoch != epoch) {
            return true;
        }
        long seq = p.sequence();
        if (seq < pushesExpected) {
            counters.pushDuplicateDropped();
            ack = ACK_NOW; // the server should learn again what we have, so that it trims its window
            return false;
        }
        if (seq > pushesExpected) {
            counters.pushesMissing(seq - pushesExpected);
        }
        // A push numbered 2^63-1 is the last one an ACK (a count, itself at most 2^63-1) can cover.
        pushesExpected = seq == Long.MAX_VALUE ? Long.MAX_VALUE : seq + 1;
        unackedBytes += Math.min(p.payload().length, ACK_AFTER_BYTES);
        if (ack != ACK_NOW) {
            ack = pushesAcked < 0 || unackedBytes >= ACK_AFTER_BYTES || pushesExpected - pushesAcked >= ACK_AFTER_PUSHES
                    ? ACK_NOW : ACK_LATER;
        }
        return true;
    }

    /**
     * At the end of a read batch on a connection of {@code connectionEpoch}: the ACK to write now, at most one
     * per batch, or null when nothing is owed, the server has this count already, or the ACK may wait (then
     * {@link #ackOwed} is true and the connection writes it later through {@link #ackToWrite(int, boolean)}).
     */
    Ack ackToWrite(int connectionEpoch) {
        return ackToWrite(connectionEpoch, false);
    }

    /**
     * The ACK to write on a connection of {@code connectionEpoch}: with {@code evenIfItMayWait}, whatever is owed
     * (the delay has passed, or the connection closes gracefully); without, only one that may not wait.
     */
    Ack ackToWrite(int connectionEpoch, boolean evenIfItMayWait) {
        if (ack == ACK_NONE || connectionEpoch != epoch || ack == ACK_LATER && !evenIfItMayWait) {
            return null;
        }
        ack = ACK_NONE;
        unackedBytes = 0;
        if (pushesExpected <= pushesAcked) {
            return null;
        }
        pushesAcked = pushesExpected;
        return new Ack(pushesExpected);
    }

    /** Whether an ACK is owed on a connection of {@code connectionEpoch} (one that may wait, after a batch). */
    boolean ackOwed(int connectionEpoch) {
        return ack != ACK_NONE && connectionEpoch == epoch;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
