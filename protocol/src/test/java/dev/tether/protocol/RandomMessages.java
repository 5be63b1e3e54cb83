package dev.tether.protocol;

import java.util.Random;

/**
 * Random valid messages of every type a protocol version defines, with every optional field present or absent,
 * from a seeded {@link Random}: each one encodable in that version.
 */
final class RandomMessages {
    private final Random random;
    private final int maxPayload;
    private final int version;
    private final MessageType[] types;

    /** Messages of version 1. */
    RandomMessages(Random random, int maxPayload) {
        this(random, maxPayload, Protocol.VERSION_1);
    }

    RandomMessages(Random random, int maxPayload, int version) {
        this.random = random;
        this.maxPayload = maxPayload;
        this.version = version;
        this.types = java.util.Arrays.stream(MessageType.values()).filter(t -> t.isDefinedIn(version))
                .toArray(MessageType[]::new);
    }

    Message next() {
        return next(types[random.nextInt(types.length)]);
    }

    Message next(MessageType type) {
        switch (type) {
            case HELLO: {
                // Written in version-1 framing whatever the connection's version; pushesReceived only with a token.
                byte[] token = maybe() ? bytes(40) : null;
                return new Hello(1 + random.nextInt(255), u32(), string(), maybe() ? string() : null, token,
                        token != null && maybe() ? u63() : Hello.NO_SEQUENCE);
            }
            case WELCOME: {
                // A version-1 frame may announce any version; from version 2 on a welcome announces its own.
                int announced = version == Protocol.VERSION_1 ? 1 + random.nextInt(255) : version;
                long maxFrame = Protocol.HEADER_SIZE + (u32() % (0xFFFF_FFFFL - 11));
                byte[] token = maybe() ? bytes(40) : null;
                if (version >= Protocol.VERSION_2 && token != null && maybe()) {
                    return new Welcome(announced, u32(), maxFrame, string(), token, u63(), u63(), u63());
                }
                return new Welcome(announced, u32(), maxFrame, string(), token);
            }
            case ACK:
                return new Ack(u63());
            case PING:
                return new Ping(random.nextLong());
            case PONG:
                return new Pong(random.nextLong());
            case REQUEST:
                return new Request(nonZero(), payload());
            case RESPONSE:
                return new Response(nonZero(), payload());
            case ERROR:
                return new ErrorMessage(maybe() ? 0 : random.nextLong(), random.nextInt(0x10000), string());
            case SEND:
                return new Send(maybe() ? Send.NO_SEQUENCE : nonNegative(), payload());
            case PUSH:
                return new Push(maybe() ? string() : null, maybe() ? Push.NO_TIMESTAMP : nonNegative(),
                        maybe() ? Push.NO_SEQUENCE : nonNegative(), payload());
            case GO_AWAY:
                return new GoAway(u32(), string());
            default:
                throw new AssertionError(type);
        }
    }

    private boolean maybe() {
        return random.nextBoolean();
    }

    private long u32() {
        return random.nextLong() & 0xFFFF_FFFFL;
    }

    private long nonZero() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    private long nonNegative() {
        return random.nextLong() & Long.MAX_VALUE;
    }

    /** A u63 value, often at or near an edge (0, 1, 2^63-1), where sequence arithmetic breaks first. */
    private long u63() {
        switch (random.nextInt(4)) {
            case 0:
                return random.nextInt(3);
            case 1:
                return Long.MAX_VALUE - random.nextInt(3);
            default:
                return nonNegative();
        }
    }

    private byte[] bytes(int max) {
        byte[] b = new byte[random.nextInt(max + 1)];
        random.nextBytes(b);
        return b;
    }

    private byte[] payload() {
        return bytes(random.nextInt(4) == 0 ? maxPayload : Math.min(maxPayload, 16));
    }

    /** ASCII, two-byte, three-byte and four-byte (surrogate pair) characters, to exercise UTF-8 lengths. */
    String string() {
        int n = random.nextInt(12);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(4)) {
                case 0:
                    sb.append((char) (0x20 + random.nextInt(0x5F)));
                    break;
                case 1:
                    sb.append((char) (0x80 + random.nextInt(0x780)));
                    break;
                case 2:
                    sb.append((char) (0xE000 + random.nextInt(0x1000)));
                    break;
                default:
                    sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
            }
        }
        return sb.toString();
    }
}
