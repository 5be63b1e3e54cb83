package dev.tether.protocol;

import java.util.Random;

/** Random valid messages of every type, with every optional field present or absent, from a seeded {@link Random}. */
final class RandomMessages {
    private final Random random;
    private final int maxPayload;

    RandomMessages(Random random, int maxPayload) {
        this.random = random;
        this.maxPayload = maxPayload;
    }

    Message next() {
        MessageType type = MessageType.values()[random.nextInt(MessageType.values().length)];
        return next(type);
    }

    Message next(MessageType type) {
        switch (type) {
            case HELLO:
                return new Hello(1 + random.nextInt(255), u32(), string(), maybe() ? string() : null, maybe() ? bytes(40) : null);
            case WELCOME:
                return new Welcome(1 + random.nextInt(255), u32(), Protocol.HEADER_SIZE + (u32() % (0xFFFF_FFFFL - 11)), string(),
                        maybe() ? bytes(40) : null);
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
