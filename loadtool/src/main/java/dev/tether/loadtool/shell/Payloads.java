package dev.tether.loadtool.shell;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * How the shell reads payloads from a command line and shows them back.
 *
 * <ul>
 *   <li>plain text is sent as its UTF-8 bytes: {@code request hello world}</li>
 *   <li>{@code hex:48656c6c6f} is sent as those bytes (spaces and colons between bytes are allowed)</li>
 *   <li>{@code @path/to/file} is sent as the file's content ({@code ~/} means the home directory)</li>
 *   <li>{@code text:...} sends the rest literally, for text that itself starts with {@code hex:} or {@code @}</li>
 * </ul>
 *
 * A received payload is shown as text when it is printable UTF-8, otherwise as {@code hex:...}, the same
 * form {@link #parse} reads, so it can be pasted back into a request.
 */
final class Payloads {
    /** Payloads longer than this are cut when displayed; the byte count is still shown. */
    static final int DISPLAY_LIMIT = 4096;
    /** Pushes arrive unasked, above the line being typed: printable ones are cut sooner. */
    static final int PUSH_DISPLAY_LIMIT = 256;
    /** How many bytes of a binary push are shown in hex: a preview, not a dump. */
    static final int PUSH_HEX_PREVIEW = 16;

    private static final HexFormat HEX = HexFormat.of();

    private Payloads() {
    }

    /**
     * Reads a payload argument.
     *
     * @param spec the argument as typed (already stripped of the command name)
     * @param baseDir the directory relative {@code @file} paths resolve against
     * @throws IllegalArgumentException with a message for the user when the payload cannot be read
     */
    static byte[] parse(String spec, Path baseDir) {
        if (spec == null || spec.isEmpty()) {
            throw new IllegalArgumentException("a payload is needed: text, hex:0a0b... or @file");
        }
        if (spec.startsWith("text:")) {
            return spec.substring("text:".length()).getBytes(StandardCharsets.UTF_8);
        }
        if (spec.startsWith("hex:")) {
            return parseHex(spec.substring("hex:".length()));
        }
        if (spec.startsWith("@")) {
            return readFile(spec.substring(1), baseDir);
        }
        return spec.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] parseHex(String hex) {
        String digits = hex.replaceAll("[\\s:]", "");
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("hex payload has an odd number of digits (" + digits.length()
                    + "): write two digits per byte, e.g. hex:0a ff 10");
        }
        try {
            return HEX.parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hex payload '" + hex.strip() + "' is not hexadecimal: "
                    + "write two digits 0-9/a-f per byte, e.g. hex:48656c6c6f");
        }
    }

    private static byte[] readFile(String name, Path baseDir) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("@ needs a file name, e.g. @payload.bin");
        }
        Path path = name.startsWith("~/")
                ? Path.of(System.getProperty("user.home")).resolve(name.substring(2))
                : baseDir.resolve(name);
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + path);
        } catch (IOException | OutOfMemoryError e) {
            throw new IllegalArgumentException("cannot read " + path + ": " + e);
        }
    }

    /** Shows a payload: printable UTF-8 as text, anything else as {@code hex:...}; long ones are cut. */
    static String display(byte[] payload) {
        return display(payload, DISPLAY_LIMIT);
    }

    /** As {@link #display(byte[])}, cut after {@code limit} bytes. */
    static String display(byte[] payload, int limit) {
        int shown = Math.min(payload.length, limit);
        String text = printableText(payload, shown);
        String body;
        if (text != null) {
            body = text;
            shown = text.getBytes(StandardCharsets.UTF_8).length;
        } else {
            body = "hex:" + HEX.formatHex(payload, 0, shown);
        }
        return shown < payload.length ? body + " ... (" + (payload.length - shown) + " more bytes)" : body;
    }

    /**
     * A payload that arrived unasked (a push), in one short line: printable UTF-8 as text (cut after
     * {@link #PUSH_DISPLAY_LIMIT} bytes), anything else as its length and a hex preview of its first
     * {@link #PUSH_HEX_PREVIEW} bytes, e.g. {@code 64 bytes hex:00000000000000000000000000000000...}.
     */
    static String preview(byte[] payload) {
        String text = printableText(payload, Math.min(payload.length, PUSH_DISPLAY_LIMIT));
        if (text != null) {
            int shown = text.getBytes(StandardCharsets.UTF_8).length;
            String line = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
            return shown < payload.length ? line + " ... (" + payload.length + " bytes)" : line;
        }
        int shown = Math.min(payload.length, PUSH_HEX_PREVIEW);
        return payload.length + " bytes hex:" + HEX.formatHex(payload, 0, shown) + (shown < payload.length ? "..." : "");
    }

    private static String printableText(byte[] payload, int length) {
        // a multi-byte character cut at the display limit is still text: try up to 3 bytes shorter
        int shortest = length == payload.length ? length : Math.max(0, length - 3);
        for (int n = length; n >= shortest; n--) {
            String text = decode(payload, n);
            if (text != null) {
                return isPrintable(text) ? text : null;
            }
        }
        return null;
    }

    private static String decode(byte[] payload, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(payload, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isPrintable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }
}
