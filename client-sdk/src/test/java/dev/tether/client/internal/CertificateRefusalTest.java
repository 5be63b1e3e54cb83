package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.AuthenticationException;
import dev.tether.client.ClientException;
import dev.tether.client.TlsOptions;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateRefusalTest {
    @ParameterizedTest
    @ValueSource(strings = {"certificate_required", "bad_certificate", "unsupported_certificate", "certificate_revoked",
            "certificate_expired", "certificate_unknown", "unknown_ca", "access_denied"})
    void aCertificateAlertFromTheServerIsAFinalRefusal(String alert) {
        SSLException received = new SSLHandshakeException("Received fatal alert: " + alert);
        AuthenticationException refused = CertificateRefusal.of(new DecoderException(received), "10.0.0.5:7443", TlsOptions.system());
        assertThat(refused).isNotNull().hasCause(received)
                .hasMessage("TLS: server 10.0.0.5:7443 refused a client without a certificate "
                        + "(configure one: TlsOptions.withClientCertificate), alert " + alert);
        assertThat(refused.reason()).isEqualTo(ClientException.Reason.AUTH_FAILED);
    }

    @Test
    void newerJdksPrefixTheAlertsNameAndAreReadTheSame() {
        // JDK 17 says "Received fatal alert: certificate_required"; JDK 25 "(certificate_required) Received fatal alert: ...".
        SSLException received = new SSLHandshakeException("(certificate_required) Received fatal alert: certificate_required");
        assertThat(CertificateRefusal.of(received, "h:1", null)).isNotNull().hasMessageEndingWith("alert certificate_required");
        assertThat(CertificateRefusal.of(new SSLHandshakeException("(handshake_failure) Received fatal alert: handshake_failure"),
                "h:1", null)).isNull();
    }

    @Test
    void otherTlsFailuresAreNotCertain() {
        // handshake_failure: no common cipher or version as well as (TLS 1.2) a missing certificate; retried.
        assertThat(CertificateRefusal.of(new SSLHandshakeException("Received fatal alert: handshake_failure"), "h:1", null)).isNull();
        // Our own refusal of the server's certificate is not a message from the server.
        assertThat(CertificateRefusal.of(new SSLHandshakeException("PKIX path building failed"), "h:1", null)).isNull();
        // The same words outside TLS mean nothing.
        assertThat(CertificateRefusal.of(new IOException("Received fatal alert: bad_certificate"), "h:1", null)).isNull();
        assertThat(CertificateRefusal.of(new SSLException((String) null), "h:1", null)).isNull();
    }
}
