package dev.tether.client;

/** The send buffer was full (in messages or in bytes); the operation was rejected at once and never sent. Reason {@link Reason#SEND_BUFFER_FULL}. */
public class SendBufferFullException extends ClientException {
    private static final long serialVersionUID = 1L;

    public SendBufferFullException(String message) {
        this(message, null);
    }

    public SendBufferFullException(String message, Throwable cause) {
        super(Reason.SEND_BUFFER_FULL, message, cause);
    }
}
