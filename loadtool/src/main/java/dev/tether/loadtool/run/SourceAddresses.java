package dev.tether.loadtool.run;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code --source-address}: single addresses, comma-separated lists and IPv4 ranges such as
 * {@code 127.0.0.2-127.0.0.40}. Clients take them in turn, so each address needs only its share of
 * ephemeral ports.
 */
final class SourceAddresses {
    /** The most addresses one range may expand to. */
    static final int MAX_ADDRESSES = 65_536;

    private SourceAddresses() {
    }

    static List<InetAddress> parse(List<String> specs) {
        List<InetAddress> out = new ArrayList<>();
        for (String spec : specs) {
            for (String part : spec.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int dash = p.indexOf('-');
                if (dash > 0 && !p.contains(":")) {
                    range(p, p.substring(0, dash).trim(), p.substring(dash + 1).trim(), out);
                } else {
                    out.add(address(p));
                }
                if (out.size() > MAX_ADDRESSES) {
                    throw new IllegalArgumentException("too many source addresses (more than " + MAX_ADDRESSES + ") in '" + spec + "'");
                }
            }
        }
        return out;
    }

    private static void range(String spec, String from, String to, List<InetAddress> out) {
        InetAddress a = address(from);
        InetAddress b = address(to);
        if (!(a instanceof Inet4Address) || !(b instanceof Inet4Address)) {
            throw new IllegalArgumentException("'" + spec + "': ranges are IPv4 only, e.g. 127.0.0.2-127.0.0.40");
        }
        long lo = toLong(a);
        long hi = toLong(b);
        if (hi < lo) {
            throw new IllegalArgumentException("'" + spec + "': the range ends before it starts");
        }
        if (hi - lo + 1 > MAX_ADDRESSES) {
            throw new IllegalArgumentException("'" + spec + "' holds more than " + MAX_ADDRESSES + " addresses");
        }
        for (long v = lo; v <= hi; v++) {
            try {
                out.add(InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static long toLong(InetAddress a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    private static InetAddress address(String text) {
        if (!text.matches("[0-9.]+|[0-9A-Fa-f:.]+") || text.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address (write 10.0.0.2, or a range 127.0.0.2-127.0.0.40)");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
    }
}
