package dev.tether.client.internal;

/**
 * The SDK's one logger, named {@code dev.tether.client}: the JDK's {@link System.Logger}, so the SDK adds no
 * logging dependency and an application routes its messages wherever its own logs go through
 * {@link System.LoggerFinder} (for SLF4J: {@code org.slf4j:slf4j-jdk-platform-logging}; without a finder
 * they go to {@code java.util.logging}). The reference server logs the same way.
 */
final class Logs {
    static final System.Logger CLIENT = System.getLogger("dev.tether.client");

    private Logs() {
    }
}
