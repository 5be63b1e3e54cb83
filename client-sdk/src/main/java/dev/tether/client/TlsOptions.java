package dev.tether.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * TLS settings of a client: which certificates it trusts and whether it checks the server's host name.
 * Immutable. The JDK's TLS implementation is used; host-name verification (endpoint identification
 * {@code "HTTPS"}, RFC 2818) is on unless {@link #withoutHostnameVerification()} turns it off.
 *
 * <pre>{@code
 * ClientConfig.builder().endpoint("push.example.com", 7443).tls(TlsOptions.system()).build();
 * ClientConfig.builder().endpoint("10.0.0.5", 7443).tls(TlsOptions.trusting(Path.of("ca.pem"))).build();
 * }</pre>
 */
public final class TlsOptions {
    private final List<X509Certificate> trustedCertificates; // empty = the JDK's default trust store
    private final boolean trustAll;
    private final boolean hostnameVerification;

    private TlsOptions(List<X509Certificate> trustedCertificates, boolean trustAll, boolean hostnameVerification) {
        this.trustedCertificates = List.copyOf(trustedCertificates);
        this.trustAll = trustAll;
        this.hostnameVerification = hostnameVerification;
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
        try (InputStream in = Files.newInputStream(pemCaFile)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + pemCaFile);
            }
            return new TlsOptions(certs, false, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CA file " + pemCaFile, e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM X.509 certificate file: " + pemCaFile, e);
        }
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
        return new TlsOptions(trustedCertificates, trustAll, false);
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

    @Override
    public String toString() {
        return "TlsOptions[" + (trustAll ? "trust all" : trustedCertificates.isEmpty() ? "system trust store"
                : trustedCertificates.size() + " trusted certificate(s)") + ", hostnameVerification=" + hostnameVerification + "]";
    }
}
