package dev.tether.client;

import dev.tether.client.internal.PemFiles;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * TLS settings of a client: which certificates it trusts, whether it checks the server's host name, and the
 * certificate it presents to a server that asks for one (mutual TLS). Immutable. The JDK's TLS implementation
 * is used; host-name verification (endpoint identification {@code "HTTPS"}, RFC 2818) is on unless
 * {@link #withoutHostnameVerification()} turns it off.
 *
 * <pre>{@code
 * ClientConfig.builder().endpoint("push.example.com", 7443).tls(TlsOptions.system()).build();
 * ClientConfig.builder().endpoint("10.0.0.5", 7443).tls(TlsOptions.trusting(Path.of("ca.pem"))).build();
 * // Mutual TLS: the server checks this certificate against its client CA.
 * TlsOptions.trusting(Path.of("ca.pem")).withClientCertificate(Path.of("client-chain.pem"), Path.of("client-key.pem"));
 * }</pre>
 *
 * <p>A server that refuses the client's certificate (none given, issued by a CA it does not trust, expired)
 * says so with a TLS alert during the handshake. The client takes that as final, like a refused auth token: the
 * connect fails with an {@link AuthenticationException} (reason {@link ClientException.Reason#AUTH_FAILED})
 * and the client stops reconnecting and closes. Other TLS failures (an untrusted server certificate, no common
 * protocol version) fail the attempt and are retried with backoff like any connect failure.
 */
public final class TlsOptions {
    private final List<X509Certificate> trustedCertificates; // empty = the JDK's default trust store
    private final boolean trustAll;
    private final boolean hostnameVerification;
    private final List<X509Certificate> clientCertificateChain; // empty = no client certificate
    private final PrivateKey clientKey; // null = no client certificate
    private final Path clientCertificateFile; // for toString: names the file, never the key

    private TlsOptions(List<X509Certificate> trustedCertificates, boolean trustAll, boolean hostnameVerification) {
        this(trustedCertificates, trustAll, hostnameVerification, List.of(), null, null);
    }

    private TlsOptions(List<X509Certificate> trustedCertificates, boolean trustAll, boolean hostnameVerification,
                       List<X509Certificate> clientCertificateChain, PrivateKey clientKey, Path clientCertificateFile) {
        this.trustedCertificates = List.copyOf(trustedCertificates);
        this.trustAll = trustAll;
        this.hostnameVerification = hostnameVerification;
        this.clientCertificateChain = List.copyOf(clientCertificateChain);
        this.clientKey = clientKey;
        this.clientCertificateFile = clientCertificateFile;
    }

    /** Trusts the JDK's default trust store (the certificates a browser would trust); verifies host names. */
    public static TlsOptions system() {
        return new TlsOptions(List.of(), false, true);
    }

    /**
     * Trusts every certificate and checks no host name. <strong>For tests only</strong>: it gives up all
     * protection against an active attacker.
     */
    public static TlsOptions trustAll() {
        return new TlsOptions(List.of(), true, false);
    }

    /**
     * Trusts only the certificates in a PEM file (typically your CA); verifies host names.
     *
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it holds no X.509 certificate
     */
    public static TlsOptions trusting(Path pemCaFile) {
        Objects.requireNonNull(pemCaFile, "pemCaFile");
        return new TlsOptions(PemFiles.readCertificates(pemCaFile, "CA"), false, true);
    }

    /** Trusts only the given certificates (typically your CA); verifies host names. */
    public static TlsOptions trusting(X509Certificate... certificates) {
        if (certificates.length == 0) {
            throw new IllegalArgumentException("at least one certificate is needed");
        }
        return new TlsOptions(List.of(certificates), false, true);
    }

    /**
     * The same trust, without checking that the server's certificate names the host connected to. Only for
     * servers reached by an address their certificate does not name; prefer fixing the certificate.
     */
    public TlsOptions withoutHostnameVerification() {
        return new TlsOptions(trustedCertificates, trustAll, false, clientCertificateChain, clientKey, clientCertificateFile);
    }

    /**
     * The same trust, presenting a client certificate to servers that ask for one (mutual TLS). The files are read
     * and checked against each other now, so a wrong file fails here with a message that names it, not at the
     * first handshake; the key is kept in memory, the files are not read again.
     *
     * @param certificateChainFile the client's certificate, then any intermediates (PEM, {@code BEGIN CERTIFICATE})
     * @param privateKeyFile the certificate's private key: one unencrypted PKCS#8 key (PEM, {@code BEGIN PRIVATE
     *     KEY}), RSA or EC; a PKCS#1 key ({@code BEGIN RSA PRIVATE KEY}) converts with
     *     {@code openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem}
     * @throws UncheckedIOException if a file cannot be read (the message names it)
     * @throws IllegalArgumentException if a file holds no certificate or no usable key (the message says which and
     *     how to convert it), or the key does not belong to the first certificate
     */
    public TlsOptions withClientCertificate(Path certificateChainFile, Path privateKeyFile) {
        Objects.requireNonNull(certificateChainFile, "certificateChainFile");
        Objects.requireNonNull(privateKeyFile, "privateKeyFile");
        List<X509Certificate> chain = PemFiles.readCertificates(certificateChainFile, "client certificate chain");
        PrivateKey key = PemFiles.readPrivateKey(privateKeyFile, chain.get(0), certificateChainFile, "client");
        return new TlsOptions(trustedCertificates, trustAll, hostnameVerification, chain, key, certificateChainFile);
    }

    /** The trusted certificates; empty means the JDK's default trust store (or all, see {@link #trustsAll()}). */
    public List<X509Certificate> trustedCertificates() {
        return trustedCertificates;
    }

    /** Whether every certificate is trusted (tests only). */
    public boolean trustsAll() {
        return trustAll;
    }

    /** Whether the server's certificate must name the host connected to. Default: true (false for {@link #trustAll()}). */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** The client certificate, then its intermediates; empty when the client presents none (the default). */
    public List<X509Certificate> clientCertificateChain() {
        return clientCertificateChain;
    }

    /**
     * The private key of the {@linkplain #clientCertificateChain() client certificate}, for the TLS engine;
     * {@code null} when the client presents none.
     */
    public PrivateKey clientPrivateKey() {
        return clientKey;
    }

    /** Names the trust and the client certificate file, never the key. */
    @Override
    public String toString() {
        return "TlsOptions[" + (trustAll ? "trust all" : trustedCertificates.isEmpty() ? "system trust store"
                : trustedCertificates.size() + " trusted certificate(s)") + ", hostnameVerification=" + hostnameVerification
                + (clientCertificateFile != null ? ", client certificate " + clientCertificateFile : "") + "]";
    }
}
