package dev.tether.server;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link Authenticator#sharedToken}, and (with no token) {@link Authenticator#acceptAll}. */
final class SharedTokenAuthenticator implements Authenticator {
    static final SharedTokenAuthenticator ACCEPT_ALL = new SharedTokenAuthenticator();

    private final byte[] expected; // null: accept every hello

    private SharedTokenAuthenticator() {
        this.expected = null;
    }

    SharedTokenAuthenticator(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the shared token must not be null, empty or blank (an unset variable?)");
        }
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public CompletionStage<AuthResult> authenticate(String clientId, String token, InetSocketAddress remoteAddress) {
        if (expected == null) {
            return CompletableFuture.completedFuture(AuthResult.accept(clientId));
        }
        if (token == null || token.isEmpty()) {
            return CompletableFuture.completedFuture(AuthResult.refuse("this server requires an auth token"));
        }
        // Constant time, so the comparison does not leak how much of a guess was right.
        boolean right = MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8));
        return CompletableFuture.completedFuture(right ? AuthResult.accept(clientId) : AuthResult.refuse("auth token rejected"));
    }

    @Override
    public String toString() {
        return expected == null ? "no authentication" : "shared token";
    }
}
