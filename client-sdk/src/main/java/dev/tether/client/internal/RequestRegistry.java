package dev.tether.client.internal;

import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests written on one connection and not yet answered, by id. Created empty and allocated on
 * first use, because most of ten thousand idle clients never have a request in flight. Confined to the
 * client's event loop.
 */
final class RequestRegistry {
    private LongObjectMap<RequestOp> pending;

    void put(RequestOp op) {
        if (pending == null) {
            pending = new LongObjectHashMap<>(8);
        }
        pending.put(op.id, op);
    }

    /** Removes and returns the request with this id, or null (answered already, or timed out). */
    RequestOp remove(long id) {
        return pending == null ? null : pending.remove(id);
    }

    int size() {
        return pending == null ? 0 : pending.size();
    }

    /** Removes every request and returns them (in no particular order). */
    List<RequestOp> drain() {
        if (pending == null || pending.isEmpty()) {
            return List.of();
        }
        List<RequestOp> out = new ArrayList<>(pending.values());
        pending.clear();
        return out;
    }
}
