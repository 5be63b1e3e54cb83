package dev.tether.loadtool;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Reads a {@code HOST:PORT} option value ({@code [v6]:PORT} too); every message names the option and the value. */
public final class HostPort {
    private HostPort() {
    }

    /**
     * Parses {@code text}, given as {@code option}.
     *
     * @param minPort the smallest port accepted: 0 where "any free port" makes sense (a listen address), else 1
     * @param resolve whether to look the host up now; otherwise the address is left unresolved
     * @throws IllegalArgumentException naming the option, the value and what is wrong
     */
    public static InetSocketAddress parse(String option, String text, int minPort, boolean resolve) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(option + " '" + text + "' must be HOST:PORT, e.g. 127.0.0.1:7000");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + text + "': the port is not a number");
        }
        if (port < minPort || port > 65_535) {
            throw new IllegalArgumentException(option + " '" + text + "': port out of range " + minPort + "..65535");
        }
        if (!resolve) {
            return InetSocketAddress.createUnresolved(host, port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + " '" + text + "': unknown host " + host);
        }
    }
}
