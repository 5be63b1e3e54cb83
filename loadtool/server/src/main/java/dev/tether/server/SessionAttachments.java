package dev.tether.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the application attached to one {@link Session}: its attributes and the groups it joined. A session
 * makes it at the first {@link ServerSession#attribute(String, Object) attribute} or group join, so one the
 * application never decorates (every session of the reference server) carries none of it.
 *
 * <p>Group membership is guarded by this object's lock, which {@link #closed} takes too. A join is refused
 * unless the session is open, and a session is no longer open before it calls {@link #closed}: so a session
 * can never join a group after it has left all of them.
 */
final class SessionAttachments {
    final Map<String, Object> attributes = new ConcurrentHashMap<>(4);
    private Set<ServerGroup> groups; // guarded by this

    synchronized Set<String> groupNames() {
        if (groups == null || groups.isEmpty()) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (ServerGroup g : groups) {
            names.add(g.name());
        }
        return Collections.unmodifiableSet(names);
    }

    /** Adds {@code g} and, in the same step, {@code session} to {@code g}'s members; false unless the session is open. */
    synchronized boolean join(Session session, ServerGroup g, Set<Session> members) {
        if (!session.isOpen()) {
            return false;
        }
        if (groups == null) {
            groups = new LinkedHashSet<>(4);
        }
        groups.add(g);
        members.add(session);
        return true;
    }

    synchronized boolean leave(Session session, ServerGroup g, Set<Session> members) {
        members.remove(session);
        return groups != null && groups.remove(g);
    }

    /** The session has closed (it is no longer open): it leaves every group. */
    void closed(Session session) {
        List<ServerGroup> left;
        synchronized (this) {
            if (groups == null || groups.isEmpty()) {
                return;
            }
            left = new ArrayList<>(groups);
            groups.clear();
        }
        for (ServerGroup g : left) {
            g.removeClosed(session);
        }
    }
}
