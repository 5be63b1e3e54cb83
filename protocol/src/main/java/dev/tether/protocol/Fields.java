package dev.tether.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** Argument checks and array helpers shared by the message records. */
final class Fields {
    static final int MAX_STRING_BYTES = 0xFFFF;
    static final long MAX_U32 = 0xFFFF_FFFFL;

    private Fields() {
    }

    static String string(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.length() > MAX_STRING_BYTES / 3 && utf8Length(value) > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(name + " is longer than 65535 UTF-8 bytes: " + utf8Length(value));
        }
        return value;
    }

    static String optionalString(String name, String value) {
        return value == null ? null : string(name, value);
    }

    static byte[] optionalBytes(String name, byte[] value) {
        if (value != null && value.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(name + " is longer than 65535 bytes: " + value.length);
        }
        return value;
    }

    static long u32(String name, long value) {
        if (value < 0 || value > MAX_U32) {
            throw new IllegalArgumentException(name + " must be in [0, 4294967295]: " + value);
        }
        return value;
    }

    static int u8(String name, int value) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException(name + " must be in [0, 255]: " + value);
        }
        return value;
    }

    static long optionalNonNegative(String name, long value) {
        if (value < -1) {
            throw new IllegalArgumentException(name + " must be >= 0, or -1 for none: " + value);
        }
        return value;
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String preview(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder().append(bytes.length).append(" bytes");
        if (bytes.length > 0) {
            sb.append(" 0x");
            for (int i = 0; i < Math.min(bytes.length, 16); i++) {
                sb.append(Character.forDigit((bytes[i] >> 4) & 0xF, 16)).append(Character.forDigit(bytes[i] & 0xF, 16));
            }
            if (bytes.length > 16) {
                sb.append("...");
            }
        }
        return sb.toString();
    }

    static boolean equal(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
