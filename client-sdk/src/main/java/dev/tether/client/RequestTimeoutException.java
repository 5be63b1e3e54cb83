package dev.tether.client;

/** No response arrived within the request timeout. Reason {@link Reason#REQUEST_TIMEOUT}. The timeout covers the time spent in the send buffer too. */
public class RequestTimeoutException extends ClientException {
    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(String message) {
        this(message, null);
    }

    public RequestTimeoutException(String message, Throwable cause) {
        super(Reason.REQUEST_TIMEOUT, message, cause);
    }
}
