package dev.tether.server;

import dev.tether.client.internal.PemFiles;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * TLS settings of a server: its certificate chain and private key, and whether clients must present a
 * certificate of their own. Immutable. The files are read, and checked against each other, when the value is
 * made, so a wrong file fails at startup with a message that names it, not at the first handshake.
 *
 * <pre>{@code
 * ReferenceServer.builder()
 *         .tls(ServerTls.fromPem(Path.of("server-chain.pem"), Path.of("server-key.pem")))
 *         .start();
 * // Mutual TLS: only clients with a certificate issued by the CA in clients-ca.pem get in.
 * ServerTls.fromPem(chain, key).withClientAuth(ServerTls.ClientAuth.REQUIRE, Path.of("clients-ca.pem"));
 * }</pre>
 *
 * <p>Formats: the certificate file holds the server's certificate first, then the intermediates (PEM,
 * {@code -----BEGIN CERTIFICATE-----}); the key file holds one unencrypted PKCS#8 private key (PEM,
 * {@code -----BEGIN PRIVATE KEY-----}), RSA or EC, as {@code openssl req -newkey} and most ACME clients write
 * it. A PKCS#1 key ({@code BEGIN RSA PRIVATE KEY}) converts with
 * {@code openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem}.
 *
 * <p>TLS runs on the JDK's implementation (TLS 1.3 and 1.2), or on OpenSSL when netty-tcnative is on the
 * class path. A handshake that fails (an untrusted client certificate, a client speaking plaintext to the TLS
 * port, a protocol mismatch) closes that connection only and is counted in
 * {@link ServerStats#tlsHandshakeFailures()}; the handshake must complete within the server's
 * {@linkplain ReferenceServer.Builder#handshakeTimeout handshake timeout}.
 */
public final class ServerTls {
    /** Whether a client must present a certificate during the TLS handshake. */
    public enum ClientAuth {
        /** No client certificate is asked for (the default). */
        NONE,
        /** A certificate is asked for; a client without one gets in, one with an untrusted certificate does not. */
        OPTIONAL,
        /** A certificate issued by a trusted CA is required; a client without one fails the TLS handshake. */
        REQUIRE
    }

    private final Path certificateChainFile;
    private final Path privateKeyFile;
    private final List<X509Certificate> certificateChain;
    private final ClientAuth clientAuth;
    private final Path trustedClientCaFile;
    private final SslContext context;

    private ServerTls(Path certificateChainFile, Path privateKeyFile, List<X509Certificate> certificateChain,
                      ClientAuth clientAuth, Path trustedClientCaFile) {
        this.certificateChainFile = certificateChainFile;
        this.privateKeyFile = privateKeyFile;
        this.certificateChain = List.copyOf(certificateChain);
        this.clientAuth = clientAuth;
        this.trustedClientCaFile = trustedClientCaFile;
        this.context = buildContext();
    }

    /**
     * A server certificate chain and its private key, from PEM files; no client certificates asked for.
     *
     * @param certificateChainFile the server's certificate, then any intermediates
     * @param privateKeyFile the certificate's private key, unencrypted PKCS#8
     * @throws UncheckedIOException if a file cannot be read (the message names it)
     * @throws IllegalArgumentException if a file holds no certificate or no usable key, or the key does not
     *     belong to the first certificate
     */
    public static ServerTls fromPem(Path certificateChainFile, Path privateKeyFile) {
        Objects.requireNonNull(certificateChainFile, "certificateChainFile");
        Objects.requireNonNull(privateKeyFile, "privateKeyFile");
        List<X509Certificate> chain = PemFiles.readCertificates(certificateChainFile, "certificate chain");
        PemFiles.readPrivateKey(privateKeyFile, chain.get(0), certificateChainFile, "server");
        return new ServerTls(certificateChainFile, privateKeyFile, chain, ClientAuth.NONE, null);
    }

    /**
     * The same server identity, asking clients for a certificate issued by one of the CAs in a PEM file.
     *
     * @param mode {@link ClientAuth#REQUIRE} or {@link ClientAuth#OPTIONAL}; {@link ClientAuth#NONE} turns
     *     client certificates off again (then {@code trustedCaFile} may be {@code null})
     * @param trustedCaFile the CA certificates client certificates must be issued by
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it holds no certificate
     */
    public ServerTls withClientAuth(ClientAuth mode, Path trustedCaFile) {
        Objects.requireNonNull(mode, "mode");
        if (mode == ClientAuth.NONE) {
            return new ServerTls(certificateChainFile, privateKeyFile, certificateChain, ClientAuth.NONE, null);
        }
        Objects.requireNonNull(trustedCaFile, "trustedCaFile (client certificates need a CA to be checked against)");
        PemFiles.readCertificates(trustedCaFile, "client CA");
        return new ServerTls(certificateChainFile, privateKeyFile, certificateChain, mode, trustedCaFile);
    }

    /** The server's certificate chain, its own certificate first. */
    public List<X509Certificate> certificateChain() {
        return certificateChain;
    }

    /** Whether clients must present a certificate; default {@link ClientAuth#NONE}. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The PEM file of the CAs client certificates are checked against; {@code null} with {@link ClientAuth#NONE}. */
    public Path trustedClientCaFile() {
        return trustedClientCaFile;
    }

    /** The Netty context every connection's TLS engine comes from (built once, shared). */
    SslContext context() {
        return context;
    }

    private SslContext buildContext() {
        try {
            SslContextBuilder b = SslContextBuilder.forServer(certificateChainFile.toFile(), privateKeyFile.toFile());
            switch (clientAuth) {
                case REQUIRE -> b.trustManager(trustedClientCaFile.toFile()).clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE);
                case OPTIONAL -> b.trustManager(trustedClientCaFile.toFile()).clientAuth(io.netty.handler.ssl.ClientAuth.OPTIONAL);
                case NONE -> b.clientAuth(io.netty.handler.ssl.ClientAuth.NONE);
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            // The files were parsed above; what is left is a key or certificate the TLS implementation refuses.
            throw new IllegalArgumentException("cannot use " + certificateChainFile + " and " + privateKeyFile
                    + " for TLS: " + PemFiles.reason(e), e);
        }
    }

    /** Names the files, never their contents. */
    @Override
    public String toString() {
        return "ServerTls[" + certificateChainFile + ", key " + privateKeyFile + ", clientAuth=" + clientAuth
                + (trustedClientCaFile != null ? " (CA " + trustedClientCaFile + ")" : "") + "]";
    }
}
