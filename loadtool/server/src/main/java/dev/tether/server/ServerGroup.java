package dev.tether.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A named set of sessions (a chat room, a topic, a game table) that the application pushes to as one,
 * got with {@link TetherServer#group(String)}.
 *
 * <pre>{@code
 * ServerGroup room = server.group("lobby");
 * room.join(session);                                  // e.g. in onRequest, when the client asks to join
 * room.push("lobby", "hello, everyone".getBytes(UTF_8));
 * }</pre>
 *
 * <p>A push to the group is encoded once and the same bytes are queued for every member, each on its own
 * event loop; a member that does not read falls behind alone: once more than the server's
 * {@code maxPendingBytesPerConnection} are queued for it, it is closed as a slow consumer
 * ({@link CloseReason#SLOW_CONSUMER}), and the other members never wait for it. A session leaves every group
 * when it closes. Groups are never removed (an empty one costs a few hundred bytes). Thread-safe.
 */
public final class ServerGroup {
    private final String name;
    private final TetherServer server;
    private final Set<Session> members = ConcurrentHashMap.newKeySet();

    ServerGroup(String name, TetherServer server) {
        this.name = name;
        this.server = server;
    }

    /** The group's name. */
    public String name() {
        return name;
    }

    /**
     * Adds {@code session}; returns false if it was no longer open (then it is not added).
     *
     * @throws IllegalArgumentException if the session is not one of this group's server
     */
    public boolean join(ServerSession session) {
        return session(session).join(this, members);
    }

    /** Removes {@code session}; returns whether it was a member. */
    public boolean leave(ServerSession session) {
        return session(session).leave(this, members);
    }

    /** Whether {@code session} is a member. */
    public boolean contains(ServerSession session) {
        return session instanceof Session s && members.contains(s);
    }

    /** The number of members. */
    public int size() {
        return members.size();
    }

    /** The members at this moment. */
    public Set<ServerSession> members() {
        return Set.copyOf(members);
    }

    /**
     * Pushes {@code payload} to every member, encoded once; never blocks.
     *
     * @param topic the topic carried in the PUSH frame, or null for none
     * @param payload the bytes (not copied: do not change them afterwards)
     * @return the number of members it was handed to (open ones)
     * @throws IllegalArgumentException if the topic is longer than the protocol allows
     */
    public int push(String topic, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        List<Session> targets = new ArrayList<>();
        for (Session s : members) {
            if (s.isOpen()) {
                targets.add(s);
            }
        }
        return targets.isEmpty() ? 0 : server.engine().publishTo(targets, topic, payload);
    }

    /** Called by a closing session, which has already forgotten this group. */
    void removeClosed(Session s) {
        members.remove(s);
    }

    private Session session(ServerSession session) {
        Objects.requireNonNull(session, "session");
        if (!(session instanceof Session s) || s.server() != server) {
            throw new IllegalArgumentException(session + " is not a session of the server of group " + name);
        }
        return s;
    }

    @Override
    public String toString() {
        return "ServerGroup[" + name + ", " + members.size() + " members]";
    }
}
