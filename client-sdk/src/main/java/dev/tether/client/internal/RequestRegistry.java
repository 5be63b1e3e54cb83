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
        pending.put(scramble(op.id), op);
    }

    /** Removes and returns the request with this id, or null (answered already, or timed out). */
    RequestOp remove(long id) {
        return pending == null ? null : pending.remove(scramble(id));
    }

    /**
     * Ids are sequential; in an open-addressing map they would fill one contiguous run of slots, which every
     * removal walks. Multiplying by an odd constant is a bijection on longs (no two ids collide) that spreads
     * them over the table.
     */
    private static long scramble(long id) {
        return id * 0x9E3779B97F4A7C15L;
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
