package dev.tether.loadtool.run;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The payload of one request-mix entry: bytes written as text, hex or base64, with placeholders that are
 * filled in for each message.
 *
 * <ul>
 *   <li>{@code text:hello} (or just {@code hello}) is sent as its UTF-8 bytes, verbatim: no escapes, so JSON
 *       payloads are written as they are;</li>
 *   <li>{@code hex:48 65 6c} is sent as those bytes (spaces and colons between bytes allowed);</li>
 *   <li>{@code base64:SGVsbG8=} is sent as the decoded bytes.</li>
 * </ul>
 *
 * Placeholders, in any of the three forms, insert their value as UTF-8 text:
 * {@code ${client}} the client's number (as in its id {@code loadtool-N}), {@code ${client%N}} that number modulo N
 * (the client's group of N, e.g. its room: {@code room-${client%10}}), {@code ${seq}} the client's message
 * number (0, 1, 2, ... over all its entries), {@code ${random:N}} N random characters {@code a-z0-9} (1 to
 * {@value #MAX_RANDOM}; the same for the same seed, client and message), {@code ${time}} the wall clock in
 * milliseconds since the epoch when the message is built. {@code $${} writes a literal {@code ${}; a
 * {@code $} anywhere else is just a dollar sign. In hex and base64, each literal stretch between
 * placeholders must be whole bytes on its own.
 */
final class PayloadTemplate {
    /** The longest {@code ${random:N}}. */
    static final int MAX_RANDOM = 1024;
    /** The largest payload a template may produce, placeholders filled in (the reference server's default frame limit). */
    static final int MAX_PAYLOAD = 1 << 20;
    /** The longest decimal {@code long}, for {@code ${client}}, {@code ${seq}} and {@code ${time}}. */
    private static final int MAX_NUMBER = 20;
    static final String PLACEHOLDERS = "${client}, ${client%N}, ${seq}, ${random:N} or ${time}";
    /** The largest N of {@code ${client%N}}. */
    static final long MAX_MODULUS = 1_000_000_000;
    private static final char[] RANDOM_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** The values a message's placeholders take. */
    record Values(long client, long seq, long randomSeed, long timeMillis) {
    }

    private sealed interface Part permits Literal, Client, Seq, Random, Time {
    }

    private record Literal(byte[] bytes) implements Part {
    }

    /** The client's number, or its remainder modulo {@code modulus} (0: the number itself). */
    private record Client(long modulus) implements Part {
    }

    private record Seq() implements Part {
    }

    private record Random(int length) implements Part {
    }

    private record Time() implements Part {
    }

    private enum Encoding {
        TEXT, HEX, BASE64
    }

    private final String spec;
    private final List<Part> parts;
    /** The payload when it has no placeholder: the same array for every message (nobody writes into it). */
    private final byte[] constant;

    private PayloadTemplate(String spec, List<Part> parts) {
        this.spec = spec;
        this.parts = List.copyOf(parts);
        byte[] fixed = null;
        if (parts.isEmpty()) {
            fixed = new byte[0];
        } else if (parts.size() == 1 && parts.get(0) instanceof Literal l) {
            fixed = l.bytes();
        }
        this.constant = fixed;
    }

    /**
     * Reads a payload as written in a mix file.
     *
     * @throws IllegalArgumentException saying what is wrong and at which character of {@code spec} (1-based)
     */
    static PayloadTemplate parse(String spec) {
        Encoding encoding = Encoding.TEXT;
        int start = 0;
        if (spec.startsWith("text:")) {
            start = 5;
        } else if (spec.startsWith("hex:")) {
            encoding = Encoding.HEX;
            start = 4;
        } else if (spec.startsWith("base64:")) {
            encoding = Encoding.BASE64;
            start = 7;
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int literalStart = start;
        int i = start;
        while (i < spec.length()) {
            if (spec.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
            } else if (spec.startsWith("${", i)) {
                int close = spec.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("'${' at character " + (i + 1) + " is not closed by '}' "
                            + "(write $${ for a literal ${)");
                }
                addLiteral(parts, literal, encoding, literalStart);
                parts.add(placeholder(spec.substring(i + 2, close), i + 1));
                i = close + 1;
                literalStart = i;
            } else {
                literal.append(spec.charAt(i));
                i++;
            }
        }
        addLiteral(parts, literal, encoding, literalStart);
        long longest = 0;
        for (Part p : parts) {
            longest += p instanceof Literal l ? l.bytes().length : p instanceof Random r ? r.length() : MAX_NUMBER;
        }
        if (longest > MAX_PAYLOAD) {
            throw new IllegalArgumentException("the payload can be " + longest + " bytes long with its placeholders filled in: at most "
                    + MAX_PAYLOAD + " are allowed");
        }
        return new PayloadTemplate(spec, parts);
    }

    private static Part placeholder(String name, int at) {
        switch (name) {
            case "client":
                return new Client(0);
            case "seq":
                return new Seq();
            case "time":
                return new Time();
            default:
                break;
        }
        if (name.startsWith("client%")) {
            long modulus;
            try {
                modulus = Long.parseLong(name.substring("client%".length()));
            } catch (NumberFormatException e) {
                modulus = -1;
            }
            if (modulus < 1 || modulus > MAX_MODULUS) {
                throw new IllegalArgumentException("${" + name + "} at character " + at + ": N must be a whole number from 1 to "
                        + MAX_MODULUS + ", e.g. ${client%10} for ten groups of clients");
            }
            return new Client(modulus);
        }
        if (name.startsWith("random:")) {
            String n = name.substring("random:".length());
            int length;
            try {
                length = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 1 || length > MAX_RANDOM) {
                throw new IllegalArgumentException("${" + name + "} at character " + at + ": the length must be a whole number from 1 to "
                        + MAX_RANDOM + ", e.g. ${random:8}");
            }
            return new Random(length);
        }
        throw new IllegalArgumentException("unknown placeholder ${" + name + "} at character " + at + ": use " + PLACEHOLDERS
                + " (write $${ for a literal ${)");
    }

    private static void addLiteral(List<Part> parts, StringBuilder literal, Encoding encoding, int at) {
        if (literal.length() == 0) {
            return;
        }
        String s = literal.toString();
        literal.setLength(0);
        byte[] bytes;
        switch (encoding) {
            case HEX:
                bytes = hex(s, at);
                break;
            case BASE64:
                bytes = base64(s, at);
                break;
            default:
                bytes = s.getBytes(StandardCharsets.UTF_8);
                break;
        }
        if (bytes.length > 0) {
            parts.add(new Literal(bytes));
        }
    }

    private static byte[] hex(String s, int at) {
        String digits = s.replaceAll("[\\s:]", "");
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("hex from character " + (at + 1) + " has an odd number of digits (" + digits.length()
                    + "): write two digits per byte, e.g. hex:0a ff 10");
        }
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hex from character " + (at + 1) + " ('" + s.strip() + "') is not hexadecimal: "
                    + "write two digits 0-9/a-f per byte, e.g. hex:48656c6c6f");
        }
    }

    private static byte[] base64(String s, int at) {
        String compact = s.replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("base64 from character " + (at + 1) + " ('" + s.strip() + "') is not base64 ("
                    + e.getMessage() + "): write standard base64 with its = padding, e.g. base64:SGVsbG8=");
        }
    }

    /** The payload of one message. A payload without placeholders is the same array each time. */
    byte[] render(Values v) {
        if (constant != null) {
            return constant;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (Part p : parts) {
            if (p instanceof Literal l) {
                out.writeBytes(l.bytes());
            } else if (p instanceof Client c) {
                ascii(out, Long.toString(c.modulus() == 0 ? v.client() : v.client() % c.modulus()));
            } else if (p instanceof Seq) {
                ascii(out, Long.toString(v.seq()));
            } else if (p instanceof Time) {
                ascii(out, Long.toString(v.timeMillis()));
            } else if (p instanceof Random r) {
                long state = v.randomSeed();
                for (int k = 0; k < r.length(); k++) {
                    state += RequestMix.GOLDEN_GAMMA;
                    out.write(RANDOM_CHARS[(int) Long.remainderUnsigned(RequestMix.mix64(state), RANDOM_CHARS.length)]);
                }
            }
        }
        return out.toByteArray();
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }

    /** Whether every message gets the same bytes. */
    boolean isConstant() {
        return constant != null;
    }

    /** The payload as written. */
    @Override
    public String toString() {
        return spec;
    }
}
