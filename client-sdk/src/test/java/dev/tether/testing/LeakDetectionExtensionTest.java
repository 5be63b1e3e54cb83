package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check every test class relies on does catch a buffer that was never released. */
class LeakDetectionExtensionTest {

    @Test
    void testsRunAtParanoidLevel() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void aBufferThatIsNeverReleasedIsReported() {
        leakOneBuffer();
        List<String> leaks = new ArrayList<>();
        // Netty reports a leak once the buffer has been collected; a few collections are enough.
        for (int attempt = 0; attempt < 10 && leaks.isEmpty(); attempt++) {
            leaks.addAll(LeakDetectionExtension.collectLeaks());
        }
        // Reading the report here also clears it, so this class's own after-all check stays green.
        assertThat(leaks).isNotEmpty();
        assertThat(leaks.get(0)).startsWith("LEAK: ");
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(16);
        leaked.writeInt(42); // touched, then dropped without release()
    }
}
