package dev.tether.server;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Pattern PKCS8_PEM = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    /** A signature algorithm per key algorithm, to check that the key belongs to the certificate. */
    private static final Map<String, String> PROOF_SIGNATURES = Map.of(
            "RSA", "SHA256withRSA", "EC", "SHA256withECDSA", "Ed25519", "Ed25519", "Ed448", "Ed448", "EdDSA", "Ed25519");

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
        List<X509Certificate> chain = readCertificates(certificateChainFile, "certificate chain");
        checkKeyMatches(chain.get(0), readPkcs8Key(privateKeyFile), certificateChainFile, privateKeyFile);
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
        readCertificates(trustedCaFile, "client CA");
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
                    + " for TLS: " + reason(e), e);
        }
    }

    private static List<X509Certificate> readCertificates(Path file, String what) {
        byte[] bytes = read(file, what);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("the " + what + " file " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                    + (text.contains("PRIVATE KEY-----") ? "; it holds a private key (certificate and key files swapped?)" : ""));
        }
        try {
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(bytes))) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("the " + what + " file " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            return certs;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the " + what + " file " + file + " is not a PEM certificate file: " + reason(e), e);
        }
    }

    private static byte[] readPkcs8Key(Path file) {
        String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
        Matcher m = PKCS8_PEM.matcher(text);
        if (!m.find()) {
            String hint = text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")
                    ? "; it holds a PKCS#1/SEC1 key: convert it with `openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem`"
                    : text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") ? "; it holds an encrypted key: decrypt it with "
                    + "`openssl pkcs8 -in " + file + " -nocrypt -out key.pem` (and keep that file readable only by the server)"
                    : "";
            throw new IllegalArgumentException("the private key file " + file
                    + " holds no unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)" + hint);
        }
        try {
            return Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the private key file " + file + " is not valid PEM: " + reason(e), e);
        }
    }

    /** Proves that {@code pkcs8} is the private half of the certificate's public key: it signs, the certificate verifies. */
    private static void checkKeyMatches(X509Certificate cert, byte[] pkcs8, Path certFile, Path keyFile) {
        PublicKey publicKey = cert.getPublicKey();
        String algorithm = publicKey.getAlgorithm();
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the private key file " + keyFile + " holds no " + algorithm
                    + " key, the algorithm of the certificate in " + certFile + ": " + reason(e), e);
        }
        String signature = PROOF_SIGNATURES.get(algorithm);
        if (signature == null) {
            return; // an unusual algorithm: the TLS implementation is left to judge it
        }
        boolean matches;
        try {
            byte[] challenge = "tether-server key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(signature);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(signature);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            matches = verifier.verify(signed);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException("the private key in " + keyFile + " does not belong to the certificate "
                    + cert.getSubjectX500Principal().getName() + " in " + certFile + " (the first certificate of the chain "
                    + "must be the server's own)");
        }
    }

    private static byte[] read(Path file, String what) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + what + " file " + file + ": " + reason(e), e);
        }
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Names the files, never their contents. */
    @Override
    public String toString() {
        return "ServerTls[" + certificateChainFile + ", key " + privateKeyFile + ", clientAuth=" + clientAuth
                + (trustedClientCaFile != null ? " (CA " + trustedClientCaFile + ")" : "") + "]";
    }
}
