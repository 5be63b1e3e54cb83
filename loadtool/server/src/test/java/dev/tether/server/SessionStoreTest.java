package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The store's resume tokens, drawn from its generator many at a time. */
class SessionStoreTest {
    @Test
    void tokensAreFullLengthAndEachIsHandedOutOnceAcrossManyDraws() {
        SessionStore store = new SessionStore(((ServerBuilder) ReferenceServer.builder()).settings(), new ServerCounters(),
                new MemoryBudget(1 << 20, () -> 0, 1 << 30), () -> { });
        int n = SessionStore.TOKENS_PER_DRAW * 5 + 3; // several draws and part of one more
        Set<String> seen = new HashSet<>();
        byte[] previous = null;
        for (int i = 0; i < n; i++) {
            byte[] token = store.newToken();
            assertThat(token).hasSize(SessionStore.TOKEN_BYTES);
            assertThat(token).isNotSameAs(previous);
            assertThat(seen.add(java.util.HexFormat.of().formatHex(token))).as("token %d is new", i).isTrue();
            previous = token;
        }
    }
}
