package dev.tether.client.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files a TLS identity is made of (a certificate chain and its private key) and checks them
 * against each other, with messages that name the file and the fix: the one place both the client's
 * {@code TlsOptions} and the server's {@code ServerTls} read their certificates. Internal: public only so
 * that the server module can use it; not part of the SDK's API.
 */
public final class PemFiles {
    private static final Pattern PKCS8_PEM = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    /** A signature algorithm per key algorithm, to check that the key belongs to the certificate. */
    private static final Map<String, String> PROOF_SIGNATURES = Map.of(
            "RSA", "SHA256withRSA", "EC", "SHA256withECDSA", "Ed25519", "Ed25519", "Ed448", "Ed448", "EdDSA", "Ed25519");

    private PemFiles() {
    }

    /**
     * The X.509 certificates in a PEM file, in file order.
     *
     * @param what what the file is for, as messages should name it (e.g. "certificate chain", "client CA")
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it holds no PEM certificate
     */
    public static List<X509Certificate> readCertificates(Path file, String what) {
        byte[] bytes = read(file, what);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("the " + what + " file " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                    + (text.contains("PRIVATE KEY-----") ? "; it holds a private key (certificate and key files swapped?)" : ""));
        }
        try {
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
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

    /**
     * The unencrypted PKCS#8 private key in {@code keyFile}, checked to be the private half of {@code certificate}
     * (the first of the chain read from {@code certificateFile}).
     *
     * @param whose whose certificate it is, for the mismatch message ("server", "client")
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it holds no unencrypted PKCS#8 key (with the {@code openssl} command that
     *     converts a PKCS#1, SEC1 or encrypted key), a key of another algorithm, or a key of another certificate
     */
    public static PrivateKey readPrivateKey(Path keyFile, X509Certificate certificate, Path certificateFile, String whose) {
        byte[] pkcs8 = readPkcs8(keyFile);
        PublicKey publicKey = certificate.getPublicKey();
        String algorithm = publicKey.getAlgorithm();
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the private key file " + keyFile + " holds no " + algorithm
                    + " key, the algorithm of the certificate in " + certificateFile + ": " + reason(e), e);
        }
        String signature = PROOF_SIGNATURES.get(algorithm);
        if (signature == null) {
            return key; // an unusual algorithm: the TLS implementation is left to judge it
        }
        boolean matches;
        try {
            byte[] challenge = "tether key check".getBytes(StandardCharsets.US_ASCII);
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
                    + certificate.getSubjectX500Principal().getName() + " in " + certificateFile
                    + " (the first certificate of the chain must be the " + whose + "'s own)");
        }
        return key;
    }

    private static byte[] readPkcs8(Path file) {
        String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
        Matcher m = PKCS8_PEM.matcher(text);
        if (!m.find()) {
            String hint = text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")
                    ? "; it holds a PKCS#1/SEC1 key: convert it with `openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem`"
                    : text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") ? "; it holds an encrypted key: decrypt it with "
                    + "`openssl pkcs8 -in " + file + " -nocrypt -out key.pem` (and keep that file readable only by its owner)"
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

    private static byte[] read(Path file, String what) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + what + " file " + file + ": " + reason(e), e);
        }
    }

    /** A short reason for a failure: "no such file", "permission denied", else the exception's message. */
    public static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
