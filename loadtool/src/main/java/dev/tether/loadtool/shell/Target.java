package dev.tether.loadtool.shell;

/**
 * A {@code host:port} the shell connects to. {@code [::1]:7000} writes an IPv6 address; a bare port or
 * {@code :port} means 127.0.0.1.
 */
record Target(String host, int port) {

    static Target parse(String text) {
        String s = text.strip();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw bad(text);
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                host = "127.0.0.1";
                port = s;
            } else {
                host = colon == 0 ? "127.0.0.1" : s.substring(0, colon);
                port = s.substring(colon + 1);
                if (host.contains(":")) {
                    throw bad(text);
                }
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw bad(text);
        }
        if (p < 1 || p > 65535 || host.isEmpty()) {
            throw bad(text);
        }
        return new Target(host, p);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("'" + text + "' is not a target: write host:port, e.g. 127.0.0.1:7000 "
                + "or [::1]:7000");
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
