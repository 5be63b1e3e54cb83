package dev.tether.server;

import dev.tether.protocol.Hello;
import dev.tether.protocol.Protocol;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's resumable sessions by resume token (PROTOCOL.md §13): the ones attached to a connection and
 * the detached ones, kept for {@link ReferenceServer.Builder#sessionTtl} after their socket went. A session
 * leaves the store exactly once: its client ends it, its time-to-live passes, the memory budget needs its
 * bytes (the oldest detached sessions go first), or the server shuts down.
 *
 * <p>Thread-safe: a concurrent map of sessions, each guarding itself.
 */
final class SessionStore {
    /** Resume tokens are this many random bytes: unguessable, and short on the wire. */
    static final int TOKEN_BYTES = 16;

    final ServerCounters counters;
    final MemoryBudget budget;
    /** Sessions in the store without a connection. */
    final AtomicInteger detached = new AtomicInteger();
    private final ServerSettings settings;
    private final Runnable overShedLevel;
    private final ConcurrentHashMap<ResumableSession.Key, ResumableSession> sessions = new ConcurrentHashMap<>();
    /**
     * Where tokens come from: the JDK's default {@link SecureRandom} (the operating system's generator mixed with
     * SHA1PRNG on Linux), drawn {@link #TOKENS_PER_DRAW} tokens at a time into {@link #tokenPool} and handed out
     * in turn, each once. Every token is still {@value #TOKEN_BYTES} bytes of that generator's output, as
     * unguessable as one drawn alone (its output is not predictable from earlier output, so neither is a token
     * from the tokens before it); what a draw per connect cost besides the bytes (the generator's locks, its check
     * of its buffer's age, the mixing set-up) is paid once per {@value #TOKENS_PER_DRAW} connects. The pool holds
     * tokens not handed out yet, which tell nothing to anyone who cannot read the server's memory (who could read
     * the store itself).
     */
    private final SecureRandom random = new SecureRandom();
    /** Tokens drawn per call of the generator. */
    static final int TOKENS_PER_DRAW = 64;
    /** Drawn tokens from {@link #tokenPoolNext} on; guarded by itself. */
    private final byte[] tokenPool = new byte[TOKEN_BYTES * TOKENS_PER_DRAW];
    private int tokenPoolNext = tokenPool.length;

    /**
     * @param overShedLevel what to do when a session's growth takes the budget past its shed level (the server
     *     schedules a shedding pass)
     */
    SessionStore(ServerSettings settings, ServerCounters counters, MemoryBudget budget, Runnable overShedLevel) {
        this.settings = settings;
        this.counters = counters;
        this.budget = budget;
        this.overShedLevel = overShedLevel;
    }

    /** Whether the server offers resumption (a time-to-live above zero). */
    boolean enabled() {
        return !settings.sessionTtl().isZero();
    }

    /** What a hello opens: a session (fresh, or resumed with what the client lacks). */
    record Opened(ResumableSession session, ResumableSession.Resumed resumed) {
    }

    /**
     * The session for a hello of protocol version {@code version} on {@code conn}: the one its resume token
     * names, taken over from its old connection if that is still open, or a fresh one (a token that names no
     * session, one that expired or ended, is counted as a refused resume). Returns {@code null} when there is
     * no resumption on this connection (a version-1 connection, or a server with a time-to-live of zero).
     *
     * @throws IllegalArgumentException if the hello resumes a session and claims pushes it never had
     */
    Opened open(Session conn, Hello hello, int version, long nowNanos) {
        boolean on = enabled() && version >= Protocol.VERSION_2;
        byte[] token = hello.resumeToken();
        if (token != null && on) {
            ResumableSession s = sessions.get(ResumableSession.key(token));
            if (s != null) {
                ResumableSession.Resumed resumed = s.resume(conn, hello.pushesReceived(), nowNanos, settings.sessionTtl().toNanos());
                if (resumed != null) {
                    counters.sessionsResumed.increment();
                    counters.pushesReplayed.add(resumed.pushesReplayed());
                    return new Opened(s, resumed);
                }
                if (s.end()) {
                    counters.sessionsExpired.increment(); // past its time-to-live before the sweep came by
                }
            }
        }
        if (token != null) {
            counters.resumesRefused.increment();
        }
        if (!on) {
            return null;
        }
        ResumableSession s = create(conn.id);
        s.attachFirst(conn);
        return new Opened(s, null);
    }

    private ResumableSession create(String sessionId) {
        for (;;) {
            byte[] token = newToken();
            ResumableSession s = new ResumableSession(this, sessionId, token, new ReplayWindow(settings.replayWindowMessages(),
                    settings.replayWindowBytes(), settings.replayWindowAge().toNanos()));
            if (sessions.putIfAbsent(s.key, s) == null) {
                return s;
            }
        }
    }

    /** A fresh resume token: the next {@value #TOKEN_BYTES} bytes of the pool, drawn again when it runs out. */
    byte[] newToken() {
        byte[] token = new byte[TOKEN_BYTES];
        synchronized (tokenPool) {
            if (tokenPoolNext == tokenPool.length) {
                random.nextBytes(tokenPool);
                tokenPoolNext = 0;
            }
            System.arraycopy(tokenPool, tokenPoolNext, token, 0, TOKEN_BYTES);
            tokenPoolNext += TOKEN_BYTES;
        }
        return token;
    }

    /** Adds each push to the window of every session in the store, attached or detached; returns the sessions reached. */
    int offer(OutboundPush[] pushes, long nowNanos) {
        int reached = 0;
        for (ResumableSession s : sessions.values()) {
            boolean took = false;
            for (OutboundPush p : pushes) {
                took = s.offer(p, nowNanos);
            }
            if (took) {
                reached++;
            }
        }
        return reached;
    }

    /** Ends detached sessions whose time-to-live has passed, and ages every window. */
    void sweep(long nowNanos) {
        long ttl = settings.sessionTtl().toNanos();
        for (ResumableSession s : sessions.values()) {
            if (s.sweep(nowNanos, ttl)) {
                counters.sessionsExpired.increment();
            }
        }
    }

    /** The detached sessions, the longest detached first: the order in which memory pressure evicts them. */
    List<ResumableSession> detachedOldestFirst() {
        List<ResumableSession> out = new ArrayList<>();
        for (ResumableSession s : sessions.values()) {
            if (s.isDetached()) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparingLong(ResumableSession::detachedSinceNanos));
        return out;
    }

    /** Evicts a detached session to give its memory back; counted as expired. Returns the bytes it held (0 if it had gone). */
    long evict(ResumableSession s) {
        long bytes = s.chargedBytes();
        if (s.isDetached() && s.end()) {
            counters.sessionsExpired.increment();
            return bytes;
        }
        return 0;
    }

    /** Ends every session (the server has stopped). */
    void closeAll() {
        for (ResumableSession s : sessions.values()) {
            s.end();
        }
    }

    void remove(ResumableSession s) {
        sessions.remove(s.key, s);
    }

    void checkBudget() {
        if (budget.overShedLevel()) {
            overShedLevel.run();
        }
    }

    int detachedCount() {
        return detached.get();
    }

    /** Sessions in the store, attached or not. */
    int size() {
        return sessions.size();
    }

    /** What the sessions hold against the memory budget together. */
    long chargedBytes() {
        long sum = 0;
        for (ResumableSession s : sessions.values()) {
            sum += s.chargedBytes();
        }
        return sum;
    }
}
