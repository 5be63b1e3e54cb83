package dev.tether.client.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The requests written on one connection and not yet answered. Each request gets a slot in an array
 * (freed slots are reused, most recent first, so the array stays as small as the peak number in flight)
 * and an id that names both its slot and a per-connection sequence number: {@code sequence << 24 | slot}.
 * Looking an answer up is one array read and one comparison, with no hashing; an id is never reused on a
 * connection (PROTOCOL.md §8), so a late answer to a request that timed out finds its slot empty or taken by
 * another id and is ignored. Created, and its arrays allocated, at the first request written on the connection
 * ({@link Connection#registry()}), because most idle clients never have a request in flight.
 * Confined to the client's event loop.
 */
final class RequestRegistry {
    static final int SLOT_BITS = 24;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;

    private RequestOp[] slots;
    private int[] free; // stack of free slot indexes
    private int freeCount;
    private int used; // slots handed out so far (the high-water mark)
    private int size;
    private long sequence;

    /**
     * Registers {@code op}, sets its id and returns it.
     *
     * @throws IllegalStateException if 16 million requests are already in flight on this connection
     */
    long register(RequestOp op) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (slots == null) {
                slots = new RequestOp[8];
                free = new int[8];
            } else if (used == slots.length) {
                if (used > SLOT_MASK) {
                    throw new IllegalStateException("more than " + SLOT_MASK + " requests in flight on one connection");
                }
                slots = java.util.Arrays.copyOf(slots, used * 2);
                free = java.util.Arrays.copyOf(free, used * 2);
            }
            slot = used++;
        }
        long id = (++sequence << SLOT_BITS) | slot;
        op.id = id;
        slots[slot] = op;
        size++;
        return id;
    }

    /** Removes and returns the request with this id, or null (answered already, timed out, or unknown). */
    RequestOp remove(long id) {
        if (slots == null || id <= 0) {
            return null;
        }
        int slot = (int) (id & SLOT_MASK);
        if (slot >= used) {
            return null;
        }
        RequestOp op = slots[slot];
        if (op == null || op.id != id) {
            return null;
        }
        slots[slot] = null;
        free[freeCount++] = slot;
        size--;
        return op;
    }

    int size() {
        return size;
    }

    /** Removes every request and returns them (in no particular order). */
    List<RequestOp> drain() {
        if (size == 0) {
            return List.of();
        }
        List<RequestOp> out = new ArrayList<>(size);
        for (int i = 0; i < used; i++) {
            RequestOp op = slots[i];
            if (op != null) {
                out.add(op);
                slots[i] = null;
                free[freeCount++] = i;
            }
        }
        size = 0;
        return out;
    }
}
