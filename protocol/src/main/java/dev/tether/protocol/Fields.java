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

    /**
     * Checks a string field: not null, well-formed UTF-16 (an unpaired surrogate has no UTF-8 form, so
     * the encoder could not write it faithfully) and at most 65535 bytes in UTF-8.
     */
    static String string(String name, String value) {
        Objects.requireNonNull(value, name);
        int bytes = utf8Length(value);
        if (bytes < 0) {
            throw new IllegalArgumentException(name + " has an unpaired surrogate at index " + (-bytes - 1)
                    + " and cannot be encoded as UTF-8");
        }
        if (bytes > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(name + " is longer than 65535 UTF-8 bytes: " + bytes);
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

    /** A u63 field: an unsigned 64-bit value below 2^63, so that it fits a non-negative {@code long}. */
    static long u63(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be in [0, 2^63-1]: " + value);
        }
        return value;
    }

    static long optionalNonNegative(String name, long value) {
        if (value < -1) {
            throw new IllegalArgumentException(name + " must be >= 0, or -1 for none: " + value);
        }
        return value;
    }

    /**
     * The number of bytes of {@code s} in UTF-8, or {@code -(index + 1)} of the first unpaired surrogate
     * (records never hold one, see {@link #string}).
     */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (!Character.isSurrogate(c)) {
                n += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                return -(i + 1);
            }
        }
        return n;
    }

    /**
     * Whether {@code len} bytes at {@code off} are well-formed UTF-8 (RFC 3629): no overlong forms, no
     * encoded surrogates, nothing above U+10FFFF, no cut-off sequence. Exactly the byte strings that
     * decode to a String and encode back to the same bytes.
     */
    static boolean isWellFormedUtf8(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            if (c < 0xC2) {
                return false; // a stray continuation byte, or an overlong 2-byte lead (C0, C1)
            } else if (c < 0xE0) {
                if (i + 1 >= end || !continuation(b[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (c < 0xF0) {
                if (i + 2 >= end || !continuation(b[i + 1]) || !continuation(b[i + 2])) {
                    return false;
                }
                int b1 = b[i + 1] & 0xFF;
                if ((c == 0xE0 && b1 < 0xA0) || (c == 0xED && b1 >= 0xA0)) {
                    return false; // overlong, or a UTF-16 surrogate
                }
                i += 3;
            } else if (c < 0xF5) {
                if (i + 3 >= end || !continuation(b[i + 1]) || !continuation(b[i + 2]) || !continuation(b[i + 3])) {
                    return false;
                }
                int b1 = b[i + 1] & 0xFF;
                if ((c == 0xF0 && b1 < 0x90) || (c == 0xF4 && b1 >= 0x90)) {
                    return false; // overlong, or above U+10FFFF
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
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
