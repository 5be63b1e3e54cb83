package dev.tether.loadtool.run;

import dev.tether.loadtool.IoMessages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request mix ({@code loadtool run --mix FILE}): what the clients send instead of the fixed payload, as
 * weighted entries, each a request or a one-way send with its own payload. One entry a line:
 *
 * <pre>
 * # NAME   WEIGHT  KIND     PAYLOAD
 * join     1       request  text:{"op":"join","room":"r${random:1}"}
 * say      20      send     text:{"op":"say","from":"${client}","n":${seq}}
 * ping     5       request  hex:00 01 ${seq}
 * </pre>
 *
 * Fields are separated by spaces or tabs; the payload is the rest of the line (trailing blanks removed); see
 * {@link PayloadTemplate} for its forms and placeholders. Blank lines and lines starting with {@code #} are
 * skipped. Names are unique ({@code A-Z a-z 0-9 _ . -}, at most {@value #MAX_NAME} characters); weights are
 * whole numbers from 1 to {@value #MAX_WEIGHT}; kinds are {@code request} and {@code send}.
 *
 * <p>A weight of {@code once} makes a setup entry ({@link #setup()}): each client sends it once, after the ramp
 * and before the timed load, in the order of the file, each waiting for the answer of the one before (joining a
 * room, logging in). Setup entries are not chosen by weight and not timed in the report.
 *
 * <p>Which entry a client sends as its message number {@code seq} is a pure function of the seed, the client's
 * number and {@code seq} (a SplitMix64 hash, compared against the cumulative weights), so a run with the same
 * seed sends the same messages in the same order per client, whatever the timing and however the clients are
 * split into shards or processes.
 */
public final class RequestMix {
    /** The seed when {@code --seed} is not given: runs are repeatable unless asked otherwise. */
    public static final long DEFAULT_SEED = 1;
    static final int MAX_NAME = 64;
    static final long MAX_WEIGHT = 1_000_000;
    /** Each entry has its own histogram and row in the report: a mix is a handful of message types, not a data set. */
    static final int MAX_ENTRIES = 1_000;
    /** A mix file larger than this is refused unread. */
    static final long MAX_FILE_BYTES = 1 << 20;
    /** The most problems listed when a file is refused. */
    static final int MAX_PROBLEMS = 20;
    static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern BLANKS = Pattern.compile("[ \\t]+");

    /** Whether an entry is answered (a request, timed to its response) or not (a send, timed until written). */
    public enum Kind {
        REQUEST, SEND;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The weight field of a setup entry. */
    static final String ONCE = "once";

    /** One line of the mix; a setup entry ({@code once}) has weight 0. */
    record Entry(String name, long weight, Kind kind, PayloadTemplate payload, int line) {
        boolean once() {
            return weight == 0;
        }
    }

    private final String source;
    private final List<Entry> entries;
    private final List<Entry> setup;
    private final long[] cumulative;
    private final long totalWeight;
    private final long seed;
    private final String fingerprint;

    private RequestMix(String source, List<Entry> entries, List<Entry> setup, long seed, String fingerprint) {
        this.source = source;
        this.entries = List.copyOf(entries);
        this.setup = List.copyOf(setup);
        this.seed = seed;
        this.fingerprint = fingerprint;
        this.cumulative = new long[entries.size()];
        long sum = 0;
        for (int i = 0; i < entries.size(); i++) {
            sum += entries.get(i).weight();
            cumulative[i] = sum;
        }
        this.totalWeight = sum;
    }

    /**
     * Reads a mix file.
     *
     * @throws IllegalArgumentException for a file that cannot be read, or one with mistakes: every mistake (up to
     *                                  {@value #MAX_PROBLEMS}), one a line, each with its file name and line number
     */
    public static RequestMix read(Path file, long seed) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("--mix " + file + " is " + size + " bytes: a mix file may have at most "
                        + MAX_FILE_BYTES + " (put large payloads in fewer, templated entries)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--mix " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --mix " + file + ": " + IoMessages.reason(e));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("--mix " + file + " is not UTF-8 text: write binary payloads as hex: or base64:");
        }
        return parse(text, file.getFileName().toString(), seed);
    }

    /**
     * Reads a mix from its text; {@code source} names it in messages.
     *
     * @throws IllegalArgumentException listing every mistake with its line number
     */
    static RequestMix parse(String text, String source, long seed) {
        List<Entry> entries = new ArrayList<>();
        List<Entry> setup = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1].stripTrailing();
            String trimmed = line.stripLeading();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            try {
                Entry e = entry(trimmed, n);
                if (!names.add(e.name())) {
                    throw new IllegalArgumentException("entry '" + e.name() + "' is named twice: names must be unique, the report "
                            + "lists each entry by its name");
                }
                (e.once() ? setup : entries).add(e);
            } catch (IllegalArgumentException e) {
                problems.add(source + " line " + n + ": " + e.getMessage());
            }
        }
        if (entries.size() + setup.size() > MAX_ENTRIES) {
            problems.add(source + ": " + (entries.size() + setup.size()) + " entries, at most " + MAX_ENTRIES + " are allowed");
        }
        if (entries.isEmpty() && problems.isEmpty()) {
            problems.add(source + (setup.isEmpty() ? ": no entries" : ": only setup entries (weight once)")
                    + ": write one a line with a weight, NAME WEIGHT KIND PAYLOAD, e.g. 'echo 1 request text:hello'");
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), MAX_PROBLEMS);
            StringBuilder b = new StringBuilder("bad --mix file ").append(source).append(':');
            for (String p : problems.subList(0, shown)) {
                b.append("\n  ").append(p);
            }
            if (problems.size() > shown) {
                b.append("\n  ... and ").append(problems.size() - shown).append(" more");
            }
            throw new IllegalArgumentException(b.toString());
        }
        return new RequestMix(source, entries, setup, seed, fingerprint(text));
    }

    private static Entry entry(String line, int n) {
        String[] f = BLANKS.split(line, 4);
        if (f.length < 4) {
            throw new IllegalArgumentException("expected NAME WEIGHT KIND PAYLOAD, found " + f.length + " field" + (f.length == 1 ? "" : "s")
                    + " in '" + shorten(line) + "'");
        }
        String name = f[0];
        if (!NAME.matcher(name).matches() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("name '" + shorten(name) + "' must be letters, digits, '_', '.' or '-', at most "
                    + MAX_NAME + " characters");
        }
        long weight;
        try {
            weight = Long.parseLong(f[1]);
        } catch (NumberFormatException e) {
            weight = -1;
        }
        if (f[1].equals(ONCE)) {
            weight = 0;
        } else if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight '" + shorten(f[1]) + "' of entry '" + name + "' must be a whole number from 1 to "
                    + MAX_WEIGHT + ", or once for a setup entry (to leave an entry out, comment its line with #)");
        }
        Kind kind;
        try {
            kind = Kind.valueOf(f[2].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind '" + shorten(f[2]) + "' of entry '" + name + "' must be request (answered, timed to "
                    + "its response) or send (one-way, timed until written)");
        }
        PayloadTemplate payload;
        try {
            payload = PayloadTemplate.parse(f[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("payload of entry '" + name + "': " + e.getMessage());
        }
        return new Entry(name, weight, kind, payload, n);
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static String fingerprint(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The same entries with another seed. */
    public RequestMix withSeed(long newSeed) {
        return new RequestMix(source, entries, setup, newSeed, fingerprint);
    }

    /** Which entry (its index) client number {@code client} sends as its message {@code seq}. */
    int choose(long client, long seq) {
        long r = Long.remainderUnsigned(hash(client, seq), totalWeight);
        // The first entry whose cumulative weight exceeds r.
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > r) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The 64 random bits of one message: a function of the seed, the client and the message number only. */
    long hash(long client, long seq) {
        return mix64(mix64(seed + GOLDEN_GAMMA * (client + 1)) + GOLDEN_GAMMA * (seq + 1));
    }

    /** SplitMix64's finalizer (Steele, Lea and Flood), as in {@link java.util.SplittableRandom}. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The payload of message {@code seq} of client {@code client}, entry {@code index}. */
    byte[] payload(int index, long client, long seq, long timeMillis) {
        return entries.get(index).payload().render(new PayloadTemplate.Values(client, seq, mix64(hash(client, seq) ^ GOLDEN_GAMMA),
                timeMillis));
    }

    /** The weighted entries, those the timed load chooses from. */
    List<Entry> entries() {
        return entries;
    }

    /** The setup entries ({@code once}), in the order of the file; often empty. */
    List<Entry> setup() {
        return setup;
    }

    /**
     * The payload of setup entry {@code index} of client {@code client}: {@code ${seq}} is the entry's position among
     * the setup entries, and {@code ${random:N}} draws from a stream apart from the timed messages'.
     */
    byte[] setupPayload(int index, long client, long timeMillis) {
        long seq = -1 - (long) index;
        return setup.get(index).payload().render(new PayloadTemplate.Values(client, index, mix64(hash(client, seq) ^ GOLDEN_GAMMA),
                timeMillis));
    }

    /** The file name, as messages and reports show it. */
    public String source() {
        return source;
    }

    public long seed() {
        return seed;
    }

    /** A short hash of the file's text, for the plan's identity (shards must use the same mix). */
    public String fingerprint() {
        return fingerprint;
    }

    /** For the run's opening line: "a mix of 3 entries from chat.mix (seed 1)". */
    public String describe() {
        return String.format(Locale.ROOT, "a mix of %d entr%s%s from %s (seed %d)", entries.size(), entries.size() == 1 ? "y" : "ies",
                setup.isEmpty() ? "" : " after " + setup.size() + " setup entr" + (setup.size() == 1 ? "y" : "ies") + " per client",
                source, seed);
    }

    @Override
    public String toString() {
        return source + "#" + fingerprint + "/seed=" + seed;
    }
}
