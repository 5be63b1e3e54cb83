package dev.tether.loadtool;

import dev.tether.client.AuthenticationException;
import dev.tether.client.TlsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * How a client of the CLI connects: TLS (trust, and a client certificate for servers that require one) and
 * the auth token. A picocli mixin shared by {@code run},
 * {@code shell} and the shell's {@code bench}, so the three spell and check these options the same way.
 *
 * <p>The token comes from {@code --auth-token}, {@code --auth-token-file} (the file keeps it out of
 * {@code ps}) or the environment variable {@value #TOKEN_ENV}, in that order; the two options exclude each
 * other. An empty token is refused (an unset shell variable in {@code --auth-token "$TOKEN"} must not
 * silently mean "no authentication"). The token is never printed: not in messages, not in {@link #toString()}.
 */
public final class ConnectionOptions {
    /** The environment variable read when neither {@code --auth-token} nor {@code --auth-token-file} is given. */
    public static final String TOKEN_ENV = "TETHER_AUTH_TOKEN";

    @Option(names = "--tls", description = "Connect with TLS, trusting the system's CA certificates. Default: plaintext.")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "PEM_FILE", description = "Connect with TLS, trusting the CA certificates in this PEM file.")
    Path tlsCa;

    @Option(names = "--tls-insecure", description = "Connect with TLS and trust any certificate (testing only).")
    boolean tlsInsecure;

    @Option(names = "--tls-cert", paramLabel = "PEM_FILE",
            description = "Connect with TLS, presenting this client certificate chain (PEM, the client's own certificate first) "
                    + "to a server that asks for one (mutual TLS). Needs --tls-key. Default: none.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM_FILE",
            description = "The private key of --tls-cert: one unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY), RSA or EC.")
    Path tlsKey;

    @Option(names = "--auth-token", paramLabel = "TOKEN",
            description = "Token sent in HELLO. Visible in `ps`: prefer --auth-token-file or " + TOKEN_ENV + ". Default: none.")
    String authToken;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "Read the token from this file (UTF-8); trailing whitespace, such as the final newline, is stripped.")
    Path authTokenFile;

    /** What a failed connect adds when the server refused the client certificate, or the lack of one. */
    public static final String CERTIFICATE_REFUSED = "the server refused the client certificate, or the lack of one: "
            + "see --tls-cert and --tls-key; not retried";

    /** Where environment variables come from; tests replace it. */
    Function<String, String> environment = System::getenv;

    /** Options with nothing set: plaintext, no token (the environment variable still applies). */
    public ConnectionOptions() {
    }

    /** Options set from Java (the shell's {@code connect}, tests); the environment is not read. */
    public static ConnectionOptions of(String authToken, boolean tls, Path tlsCa, boolean tlsInsecure) {
        ConnectionOptions o = new ConnectionOptions();
        o.authToken = authToken;
        o.tls = tls;
        o.tlsCa = tlsCa;
        o.tlsInsecure = tlsInsecure;
        o.environment = name -> null;
        return o;
    }

    /**
     * These options laid over {@code base} (the shell's, under a {@code bench} or {@code connect} line): a TLS
     * switch given in either applies, a CA file or token given here wins, otherwise {@code base}'s counts
     * (including its environment variable).
     */
    public ConnectionOptions overriding(ConnectionOptions base) {
        ConnectionOptions o = new ConnectionOptions();
        o.tls = tls || base.tls;
        o.tlsInsecure = tlsInsecure || base.tlsInsecure;
        o.tlsCa = tlsCa != null ? tlsCa : base.tlsCa;
        boolean certificateHere = tlsCert != null || tlsKey != null; // a certificate and its key go together
        o.tlsCert = certificateHere ? tlsCert : base.tlsCert;
        o.tlsKey = certificateHere ? tlsKey : base.tlsKey;
        boolean tokenHere = authToken != null || authTokenFile != null;
        o.authToken = tokenHere ? authToken : base.authToken;
        o.authTokenFile = tokenHere ? authTokenFile : base.authTokenFile;
        o.environment = base.environment;
        return o;
    }

    /** Whether any TLS option was given. */
    public boolean usesTls() {
        return tls || tlsCa != null || tlsInsecure || tlsCert != null || tlsKey != null;
    }

    /** {@code --tls-ca}, or {@code null}. */
    public Path tlsCa() {
        return tlsCa;
    }

    /** {@code --tls-insecure}. */
    public boolean tlsInsecure() {
        return tlsInsecure;
    }

    /** {@code --tls-cert}, or {@code null}. */
    public Path tlsCert() {
        return tlsCert;
    }

    /** {@code --tls-key}, or {@code null}. */
    public Path tlsKey() {
        return tlsKey;
    }

    /**
     * The SDK's TLS settings; {@code null} for plaintext. The files are read and checked now.
     *
     * @throws IllegalArgumentException when {@code --tls-cert} and {@code --tls-key} are not given together, or a
     *                                  file cannot be read or used; the message names the file
     */
    public TlsOptions tlsOptions() {
        if (!usesTls()) {
            return null;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException(tlsCert == null ? "--tls-key needs --tls-cert (the certificate it belongs to)"
                    : "--tls-cert needs --tls-key (the certificate's private key)");
        }
        try {
            TlsOptions trust = tlsInsecure ? TlsOptions.trustAll() : tlsCa != null ? TlsOptions.trusting(tlsCa) : TlsOptions.system();
            return tlsCert != null ? trust.withClientCertificate(tlsCert, tlsKey) : trust;
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The token to send, from the option, the file or {@value #TOKEN_ENV}; {@code null} when none is given.
     *
     * @throws IllegalArgumentException when both options are given, the file cannot be read, or the token is
     *                                  empty; the message names the source, never the token
     */
    public String authToken() {
        if (authToken != null && authTokenFile != null) {
            throw new IllegalArgumentException("give --auth-token or --auth-token-file, not both");
        }
        if (authToken != null) {
            return nonEmpty(authToken, "--auth-token is empty (an unset shell variable?): give a token, or leave the option out");
        }
        if (authTokenFile != null) {
            String text;
            try {
                text = Files.readString(authTokenFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --auth-token-file " + authTokenFile + ": " + IoMessages.reason(e), e);
            }
            return nonEmpty(text.stripTrailing(), "--auth-token-file " + authTokenFile + " holds no token");
        }
        String env = environment.apply(TOKEN_ENV);
        if (env != null) {
            return nonEmpty(env, TOKEN_ENV + " is set but empty: give a token, or unset it");
        }
        return null;
    }

    private static String nonEmpty(String token, String message) {
        if (token.isBlank()) {
            throw new IllegalArgumentException(message);
        }
        return token;
    }

    /**
     * {@code " (}{@value #CERTIFICATE_REFUSED}{@code )"} when {@code failure} is the SDK's report of a server refusing
     * the client certificate (whose deepest cause, the TLS alert, names no option), else {@code ""}.
     */
    public static String certificateHint(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof AuthenticationException && t.getCause() instanceof javax.net.ssl.SSLException) {
                return " (" + CERTIFICATE_REFUSED + ")";
            }
        }
        return "";
    }

    /** Says whether a token and TLS are used, never the token itself. */
    @Override
    public String toString() {
        boolean token = authToken != null || authTokenFile != null;
        return "ConnectionOptions[token " + (token ? "given" : "none") + ", tls " + (usesTls() ? "on" : "off") + "]";
    }
}
