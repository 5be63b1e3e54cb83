package dev.tether.server;

import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The {@link ServerSession} of one {@link Session}: created at its WELCOME, so a connection that never
 * completes its handshake costs nothing here. Pushes and closes hop to the session's event loop; group
 * membership is guarded by this object's lock, which {@link #closed()} takes too, so a session can never
 * join a group after it has left all of them.
 */
final class SessionHandle implements ServerSession {
    final Session session;
    private final String clientId;
    private final String principal;
    private final InetSocketAddress remoteAddress;
    /** Runs this session's handler calls in order on the application's executor; null on the event loop. */
    final Executor serial;
    private volatile Map<String, Object> attributes;
    private Set<ServerGroup> groups; // guarded by this
    private boolean closed; // guarded by this

    SessionHandle(Session session, String clientId, String principal, InetSocketAddress remoteAddress, Executor applicationExecutor) {
        this.session = session;
        this.clientId = clientId;
        this.principal = principal;
        this.remoteAddress = remoteAddress;
        this.serial = applicationExecutor == null ? null : new SerialExecutor(applicationExecutor);
    }

    /** The event loop that serves this session. */
    EventExecutor eventLoop() {
        return session.executor();
    }

    @Override
    public String id() {
        return session.sessionId();
    }

    @Override
    public TetherServer server() {
        return session.server().app.server;
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public String principal() {
        return principal;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean isOpen() {
        return session.state == SessionInfo.State.OPEN;
    }

    @Override
    public Object attribute(String name) {
        Objects.requireNonNull(name, "name");
        Map<String, Object> a = attributes;
        return a == null ? null : a.get(name);
    }

    @Override
    public Object attribute(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Map<String, Object> a = attributes;
        if (a == null) {
            if (value == null) {
                return null;
            }
            synchronized (this) {
                a = attributes;
                if (a == null) {
                    attributes = a = new ConcurrentHashMap<>(4);
                }
            }
        }
        return value == null ? a.remove(name) : a.put(name, value);
    }

    @Override
    public synchronized Set<String> groups() {
        if (groups == null || groups.isEmpty()) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (ServerGroup g : groups) {
            names.add(g.name());
        }
        return Collections.unmodifiableSet(names);
    }

    @Override
    public boolean push(String topic, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        return isOpen() && session.server().publishTo(List.of(session), topic, payload) == 1;
    }

    @Override
    public void close(String reason) {
        Objects.requireNonNull(reason, "reason");
        try {
            eventLoop().execute(() -> session.goAway(reason));
            // A request the handler never answers must not keep the session open: the drain timeout bounds it.
            eventLoop().schedule(() -> {
                if (session.state == SessionInfo.State.DRAINING) {
                    session.channel().close();
                }
            }, session.server().settings.drainTimeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the server has shut down: the session is closed already
        }
    }

    // ---- group membership ----

    /** Adds {@code g} and, in the same step, this session to {@code g}'s members; false once closed. */
    synchronized boolean join(ServerGroup g, Set<SessionHandle> members) {
        if (closed || !isOpen()) {
            return false;
        }
        if (groups == null) {
            groups = new LinkedHashSet<>(4);
        }
        groups.add(g);
        members.add(this);
        return true;
    }

    synchronized boolean leave(ServerGroup g, Set<SessionHandle> members) {
        members.remove(this);
        return groups != null && groups.remove(g);
    }

    /** The session has closed: it leaves every group, and joins none from now on. */
    void closed() {
        List<ServerGroup> left;
        synchronized (this) {
            closed = true;
            if (groups == null || groups.isEmpty()) {
                return;
            }
            left = new ArrayList<>(groups);
            groups.clear();
        }
        for (ServerGroup g : left) {
            g.removeClosed(this);
        }
    }

    @Override
    public String toString() {
        return "ServerSession[" + session.id + ", " + principal + "@" + remoteAddress + "]";
    }
}
