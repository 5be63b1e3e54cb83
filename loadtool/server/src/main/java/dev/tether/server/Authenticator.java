package dev.tether.server;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides who may connect: it sees each HELLO's client id and auth token and accepts (naming the
 * principal) or refuses ({@code AUTH_FAILED}), at once or later through the returned stage, e.g. after
 * asking an identity service.
 *
 * <pre>{@code
 * Authenticator byApiKey = (clientId, token, remote) -> CompletableFuture.completedFuture(
 *         token != null && keys.containsKey(token) ? AuthResult.accept(keys.get(token)) : AuthResult.refuse("unknown API key"));
 * }</pre>
 *
 * <p>It runs where the {@link ServerHandler} runs (the event loop by default: do not block there; or the
 * {@linkplain TetherServer.Builder#handlerExecutor handler executor}). The connection reads nothing more
 * while it decides, and the handshake timeout still applies: a decision that takes longer than it arrives
 * too late. A stage that fails (the identity service is down) is not a refusal: the client gets
 * {@code SERVER_BUSY}, which the SDK retries, where {@code AUTH_FAILED} would stop it for good.
 */
@FunctionalInterface
public interface Authenticator {
    /**
     * Decides about one hello.
     *
     * @param clientId the client id the hello carries (may be empty)
     * @param token the auth token it carries, or {@code null} for none
     * @param remoteAddress where the connection comes from
     * @return the decision
     */
    CompletionStage<AuthResult> authenticate(String clientId, String token, InetSocketAddress remoteAddress);

    /** Accepts every hello, with the client id as the principal. The default. */
    static Authenticator acceptAll() {
        return SharedTokenAuthenticator.ACCEPT_ALL;
    }

    /**
     * Accepts exactly the hellos that carry {@code token} (compared in constant time), with the client id as
     * the principal; what {@code loadtool server --auth-token} uses.
     *
     * @throws IllegalArgumentException if the token is null, empty or blank
     */
    static Authenticator sharedToken(String token) {
        return new SharedTokenAuthenticator(token);
    }

    /** A stage already completed with {@code result}, for authenticators that decide at once. */
    static CompletionStage<AuthResult> now(AuthResult result) {
        return CompletableFuture.completedFuture(result);
    }
}
