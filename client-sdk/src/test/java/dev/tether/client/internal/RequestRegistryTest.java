package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link RequestRegistry} against a plain {@link HashMap} as the oracle, under random traffic. */
class RequestRegistryTest {

    private static RequestOp op() {
        return new RequestOp(null, new byte[0], 1);
    }

    @Test
    void behavesLikeAMapFromIdToRequestAndNeverReusesAnId() {
        RequestRegistry registry = new RequestRegistry();
        Map<Long, RequestOp> oracle = new HashMap<>();
        Set<Long> everIssued = new HashSet<>();
        List<Long> retired = new ArrayList<>();
        Random random = new Random(11);
        for (int step = 0; step < 100_000; step++) {
            int action = random.nextInt(10);
            if (action < 5 || oracle.isEmpty()) {
                RequestOp op = op();
                long id = registry.register(op);
                assertThat(id).isPositive().isEqualTo(op.id);
                assertThat(everIssued.add(id)).as("id %d reused", id).isTrue();
                oracle.put(id, op);
            } else if (action < 9) {
                Long id = oracle.keySet().iterator().next();
                assertThat(registry.remove(id)).isSameAs(oracle.remove(id));
                retired.add(id);
            } else if (!retired.isEmpty()) {
                // a late answer for a request already gone finds nothing, even if its slot is in use again
                long late = retired.get(random.nextInt(retired.size()));
                assertThat(registry.remove(late)).isNull();
            }
            assertThat(registry.size()).isEqualTo(oracle.size());
        }
        assertThat(registry.remove(0)).isNull();
        assertThat(registry.remove(-5)).isNull();
        assertThat(registry.remove(Long.MAX_VALUE)).isNull();
        List<RequestOp> drained = registry.drain();
        assertThat(drained).containsExactlyInAnyOrderElementsOf(oracle.values());
        assertThat(registry.size()).isZero();
    }

    @Test
    void slotsAreReusedSoTheArrayStaysAtThePeakInFlight() {
        RequestRegistry registry = new RequestRegistry();
        for (int i = 0; i < 10_000; i++) {
            RequestOp a = op();
            RequestOp b = op();
            registry.register(a);
            registry.register(b);
            assertThat(a.id & 0xFFFFFF).isLessThan(2);
            assertThat(b.id & 0xFFFFFF).isLessThan(2);
            registry.remove(a.id);
            registry.remove(b.id);
        }
        assertThat(registry.size()).isZero();
        assertThat(registry.drain()).isEmpty();
    }
}
