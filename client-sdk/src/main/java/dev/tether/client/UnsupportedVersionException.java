package dev.tether.client;

/** The server speaks no protocol version this client speaks. Fatal: the client stops reconnecting and closes. Reason {@link Reason#UNSUPPORTED_VERSION}. */
public class UnsupportedVersionException extends ClientException {
    private static final long serialVersionUID = 1L;

    public UnsupportedVersionException(String message) {
        this(message, null);
    }

    public UnsupportedVersionException(String message, Throwable cause) {
        super(Reason.UNSUPPORTED_VERSION, message, cause);
    }
}
