package dev.tether.protocol;

/**
 * Recognises other protocols from the four bytes where a Tether length prefix should be, so that a
 * misdirected client gets "this looks like HTTP" instead of "frame length 1195725856 is too large".
 */
final class ForeignProtocols {
    private static final String[] HTTP_METHODS = {"GET ", "POST", "PUT ", "HEAD", "DELE", "OPTI", "PATC", "CONN", "TRAC", "HTTP", "PRI "};

    private ForeignProtocols() {
    }

    /** A name for the protocol these four bytes start, or {@code null} if none is recognised. */
    static String recognise(int prefix) {
        int b0 = (prefix >>> 24) & 0xFF;
        int b1 = (prefix >>> 16) & 0xFF;
        int b2 = (prefix >>> 8) & 0xFF;
        if (b0 == 0x16 && b1 == 0x03 && b2 <= 0x04) {
            return "TLS handshake (a TLS client talking to a plaintext port)";
        }
        String ascii = new String(new char[] {(char) b0, (char) b1, (char) b2, (char) (prefix & 0xFF)});
        for (String method : HTTP_METHODS) {
            if (method.equals(ascii)) {
                return "HTTP";
            }
        }
        return null;
    }

    static String hex(int prefix) {
        return String.format("%02x %02x %02x %02x", (prefix >>> 24) & 0xFF, (prefix >>> 16) & 0xFF, (prefix >>> 8) & 0xFF, prefix & 0xFF);
    }
}
