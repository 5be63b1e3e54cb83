package dev.tether.client.internal;

import dev.tether.client.AuthenticationException;
import dev.tether.client.TlsOptions;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Tells a server's refusal of our client certificate apart from other TLS failures. The server says why it
 * ends a handshake with a TLS alert (RFC 8446 §6.2); the alerts below are sent only by the side that judged
 * the peer's certificate, so when we receive one the server has refused ours (or our lack of one): as certain
 * and as final as {@code AUTH_FAILED} for a token, and retrying with the same certificate cannot succeed. Any
 * other TLS failure (our refusal of the server's certificate, {@code handshake_failure}, a reset) is not
 * certain and is retried with backoff.
 *
 * <p>The JDK's TLS engine (the only one the client uses) reports a received alert as an {@link SSLException}
 * whose message holds {@code "Received fatal alert: <description>"}, with the alert's name from RFC 8446 (JDK 17
 * says just that; newer JDKs put the name in parentheses before it).
 */
final class CertificateRefusal {
    private static final String RECEIVED = "Received fatal alert: ";
    /** The alerts about the client's certificate a server sends (RFC 8446 §6.2, RFC 5246 §7.2.2). */
    private static final Set<String> CERTIFICATE_ALERTS = Set.of("certificate_required", "bad_certificate",
            "unsupported_certificate", "certificate_revoked", "certificate_expired", "certificate_unknown",
            "unknown_ca", "access_denied");

    private CertificateRefusal() {
    }

    /**
     * The fatal failure to report when {@code tlsFailure} (or a cause of it) is a certificate alert received from
     * the server; {@code null} for any other failure.
     */
    static AuthenticationException of(Throwable tlsFailure, String server, TlsOptions tls) {
        for (Throwable t = tlsFailure; t != null; t = t.getCause()) {
            int at = t instanceof SSLException && t.getMessage() != null ? t.getMessage().indexOf(RECEIVED) : -1;
            if (at >= 0) {
                String alert = t.getMessage().substring(at + RECEIVED.length()).trim();
                if (!CERTIFICATE_ALERTS.contains(alert)) {
                    return null;
                }
                boolean presented = tls != null && !tls.clientCertificateChain().isEmpty();
                String what = presented
                        ? "refused the client certificate " + tls.clientCertificateChain().get(0).getSubjectX500Principal().getName()
                        : "refused a client without a certificate (configure one: TlsOptions.withClientCertificate)";
                return new AuthenticationException("TLS: server " + server + " " + what + ", alert " + alert, t);
            }
        }
        return null;
    }
}
