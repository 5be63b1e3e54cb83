package dev.tether.client.netty;

import dev.tether.protocol.FrameParser;
import dev.tether.protocol.Message;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Welcome;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * The protocol version one channel's frames are read in, with the client's rule before the handshake: until a
 * {@code WELCOME} arrives, it is accepted in any version up to the client's maximum and every other frame is read in
 * version 1 ({@link FrameParser#parseBeforeWelcome}); the welcome fixes the version it was written in. Kept by the
 * decoding handlers for their channel; not thread-safe (the channel's event loop owns it).
 */
final class FrameVersion {
    /** The version frames are read in; version 1 while a welcome is expected. */
    private int version;
    /** While a client waits for its welcome: the highest version it offered; 0 otherwise. */
    private int welcomeMaxVersion;

    FrameVersion(int version) {
        this.version = check(version);
    }

    int get() {
        return version;
    }

    void set(int version) {
        this.version = check(version);
        this.welcomeMaxVersion = 0;
    }

    void expectWelcome(int maxVersion) {
        this.welcomeMaxVersion = check(maxVersion);
        this.version = Protocol.VERSION_1;
    }

    boolean isExpectingWelcome() {
        return welcomeMaxVersion != 0;
    }

    /** Parses the whole frame whose length prefix is at {@code start} and holds {@code length} bytes after it. */
    Message parse(ByteBuf in, int start, int length) throws ProtocolException {
        int frameStart = start + Protocol.LENGTH_FIELD_SIZE;
        ByteBuffer frame;
        if (length <= Frames.SCRATCH_SIZE) {
            frame = Frames.scratch().limit(length); // a copy of a small frame costs less than a view of it (Frames)
            in.getBytes(frameStart, frame.array(), 0, length);
        } else {
            frame = in.nioBuffer(frameStart, length);
        }
        if (welcomeMaxVersion == 0) {
            return FrameParser.parse(frame, version);
        }
        Message m = FrameParser.parseBeforeWelcome(frame, welcomeMaxVersion);
        if (m instanceof Welcome) {
            // Parsed, so its header version is one the client offered. Fixed here, not by the handler behind, so
            // that frames right behind the welcome in the same read are read in the negotiated version.
            version = in.getUnsignedByte(frameStart + 1);
            welcomeMaxVersion = 0;
        }
        return m;
    }

    static int check(int version) {
        if (version < Protocol.VERSION_1 || version > Protocol.VERSION) {
            throw new IllegalArgumentException("version must be in [1, " + Protocol.VERSION + "]: " + version);
        }
        return version;
    }
}
