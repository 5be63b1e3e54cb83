package dev.tether.server;

import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageDecoder;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Welcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking test client on a plain {@link Socket}: writes any bytes, reads whole messages with the
 * protocol's own decoder. Every read gives up after 5 s, so a test can never hang on it. It speaks the version
 * the server's WELCOME announces (a hello offering more than version 1 makes it expect any version up to that).
 */
final class RawClient implements AutoCloseable {
    static final int READ_TIMEOUT_MILLIS = 5_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final MessageDecoder decoder = new MessageDecoder(64 << 20);
    private final ArrayDeque<Message> received = new ArrayDeque<>();
    private final byte[] buf = new byte[64 * 1024];
    /** The version messages are written in: 1 until a WELCOME says otherwise. */
    private int version = Protocol.VERSION_1;

    RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static RawClient connected(ReferenceServer server) throws IOException {
        RawClient c = new RawClient(server.port());
        c.send(new Hello(30_000, "raw", null));
        Message m = c.read();
        if (!(m instanceof Welcome)) {
            throw new AssertionError("expected WELCOME, got " + m);
        }
        return c;
    }

    Socket socket() {
        return socket;
    }

    RawClient send(Message... messages) throws IOException {
        for (Message m : messages) {
            if (m instanceof Hello h && h.maxVersion() > Protocol.VERSION_1) {
                decoder.expectWelcome(Math.min(h.maxVersion(), Protocol.VERSION));
            }
            out.write(m instanceof Hello ? MessageEncoder.toBytes(m) : MessageEncoder.toBytes(m, version));
        }
        out.flush();
        return this;
    }

    RawClient sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** The next message; fails on end of stream or after the read timeout. */
    Message read() throws IOException {
        while (received.isEmpty()) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed by the server");
            }
            decode(n);
        }
        Message m = received.poll();
        if (m instanceof Welcome w) {
            version = w.version();
        }
        return m;
    }

    <T extends Message> T read(Class<T> type) throws IOException {
        Message m = read();
        if (!type.isInstance(m)) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + m);
        }
        return type.cast(m);
    }

    /**
     * Reads until the server closes the connection; returns every message that came before the close.
     * Fails if the connection is still open after the read timeout.
     */
    List<Message> readUntilClosed() throws IOException {
        List<Message> all = new ArrayList<>(received);
        received.clear();
        try {
            for (;;) {
                int n = in.read(buf);
                if (n < 0) {
                    return all;
                }
                decode(n);
                all.addAll(received);
                received.clear();
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + READ_TIMEOUT_MILLIS + " ms; got " + all);
        } catch (SocketException e) {
            return all; // reset by the server: closed as well
        }
    }

    /** Like {@link #readUntilClosed()}, but fails if the connection was reset instead of closed cleanly (FIN). */
    List<Message> readUntilCleanClose() throws IOException {
        List<Message> all = new ArrayList<>(received);
        received.clear();
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                decode(n);
                all.addAll(received);
                received.clear();
            }
            return all;
        } catch (SocketException e) {
            throw new AssertionError("the connection was reset, not closed cleanly, after " + all, e);
        }
    }

    /** Reads until closed and returns the connection-level error that came last. */
    ErrorMessage readErrorAndClose() throws IOException {
        List<Message> all = readUntilClosed();
        if (all.isEmpty() || !(all.get(all.size() - 1) instanceof ErrorMessage e)) {
            throw new AssertionError("expected an ERROR frame before the close, got " + all);
        }
        return e;
    }

    /** The raw bytes the server sends until it closes (for the HTTP answer). */
    byte[] readRawUntilClosed() throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketException e) {
            // reset after the answer
        }
        return all.toByteArray();
    }

    private void decode(int n) throws IOException {
        try {
            decoder.decode(ByteBuffer.wrap(buf, 0, n), received::add);
        } catch (ProtocolException e) {
            throw new IOException("server sent a bad frame", e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
