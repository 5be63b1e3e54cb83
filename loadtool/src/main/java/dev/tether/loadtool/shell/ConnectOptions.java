package dev.tether.loadtool.shell;

import dev.tether.client.TlsOptions;
import java.nio.file.Path;

/**
 * How the shell connects: the auth token and TLS. Set by the shell's own options and overridden per
 * {@code connect}.
 *
 * @param authToken sent in HELLO; null for none
 * @param tls whether to use TLS, trusting the system's certificate authorities
 * @param tlsCa a PEM file of certificate authorities to trust instead (implies TLS); null for none
 * @param tlsInsecure trust any certificate (testing only; implies TLS)
 */
record ConnectOptions(String authToken, boolean tls, Path tlsCa, boolean tlsInsecure) {

    static final ConnectOptions PLAIN = new ConnectOptions(null, false, null, false);

    /** The TLS settings for the client; null for plaintext. */
    TlsOptions tlsOptions() {
        if (tlsInsecure) {
            return TlsOptions.trustAll();
        }
        if (tlsCa != null) {
            return TlsOptions.trusting(tlsCa);
        }
        return tls ? TlsOptions.system() : null;
    }

    boolean usesTls() {
        return tls || tlsCa != null || tlsInsecure;
    }

    /** These options with those given on a {@code connect} line ({@code given}) taking precedence. */
    ConnectOptions overriddenBy(ConnectOptions given) {
        return new ConnectOptions(
                given.authToken != null ? given.authToken : authToken,
                tls || given.tls,
                given.tlsCa != null ? given.tlsCa : tlsCa,
                tlsInsecure || given.tlsInsecure);
    }
}
