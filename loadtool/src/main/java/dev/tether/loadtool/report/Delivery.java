package dev.tether.loadtool.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End-to-end delivery of a run: what became of every one-way send and push, and of the sessions that carried
 * them. A run writes these figures as counters (so {@code .hlog} files carry them and merged shards add them
 * up); the text summary, the JSON ({@code delivery}), the HTML report and {@code report --compare} read them
 * back through {@link #of(RunReport)}. One rule is checked here and nowhere else:
 *
 * <pre>accepted = acknowledged + failed + awaiting at the end</pre>
 *
 * <p>A send the client accepted and that is in none of the three was lost without a count: a bug in the SDK
 * or in this tool, never a property of the network. {@link #problems()} says so, loudly, in every report.
 *
 * <p>The figures come from three places: the generator's own futures ({@code accepted}, {@code refused},
 * {@code acknowledged}, {@code failed}, pushes received), the clients' statistics (everything the SDK
 * counts: awaiting, retransmitted, resumes, push duplicates and gaps) and, for the embedded server only, the
 * server's statistics ({@code server*}; -1 when the server is remote: not known).
 *
 * @param sendsAccepted          sends the clients accepted: {@code send()} calls minus those refused at once
 * @param sendsRefused           sends refused at once (send buffer full, client closed, payload too large):
 *                               never accepted, also counted as errors
 * @param sendsAcknowledged      accepted sends whose future completed: acknowledged by the server when the session
 *                               has resumption, written to the socket when not
 * @param sendsFailed            accepted sends whose future failed: lost, and said so (connection lost before the
 *                               write without resumption, the session lost with the FAIL rule, the client closed)
 * @param sendsAwaiting          accepted sends neither acknowledged nor failed when the run ended, as the clients
 *                               count them (awaiting acknowledgement plus still in the send buffer)
 * @param sendsRetransmitted     sends written again on a resumed session, same sequence (the server drops those it had)
 * @param sendsResentAfterSessionLoss sends re-sent on a new session after a resume was refused: possibly duplicated
 * @param sendsFailedOnSessionLoss sends failed because the session could not be resumed (part of {@code sendsFailed})
 * @param serverSendsReceived    sends the embedded server handed to its application; -1 when not known
 * @param serverSendDuplicatesDropped retransmitted sends the embedded server had already and dropped; -1 when not known
 * @param pushesReceived         pushes the clients' push listeners saw (warm-up included)
 * @param pushesReplayed         pushes the clients received as a replay after a resume
 * @param pushDuplicatesDropped  replayed pushes the clients had already and dropped
 * @param pushesMissing          pushes known to be lost: the server had dropped them from its replay window
 * @param serverPushesReplayed   pushes the embedded server replayed; -1 when not known
 * @param serverPushesDroppedFromWindow pushes the embedded server dropped from a full or old replay window; -1 when not known
 * @param resumesSucceeded       reconnects that resumed the session
 * @param resumesFailed          reconnects that got a new session instead (the old one expired or the server restarted)
 * @param serverSessionsResumed  sessions the embedded server resumed; -1 when not known
 * @param serverResumesRefused   resume attempts the embedded server refused (token unknown or expired); -1 when not known
 * @param resumptionOn           clients whose session had resumption at the end
 * @param resumptionOff          clients with resumption turned off in their configuration
 * @param resumptionNotOffered   clients whose server did not offer resumption (a version 1 server, or turned off there)
 * @param resumptionNotConnected clients that never completed a handshake
 */
public record Delivery(long sendsAccepted, long sendsRefused, long sendsAcknowledged, long sendsFailed, long sendsAwaiting,
                       long sendsRetransmitted, long sendsResentAfterSessionLoss, long sendsFailedOnSessionLoss,
                       long serverSendsReceived, long serverSendDuplicatesDropped,
                       long pushesReceived, long pushesReplayed, long pushDuplicatesDropped, long pushesMissing,
                       long serverPushesReplayed, long serverPushesDroppedFromWindow,
                       long resumesSucceeded, long resumesFailed, long serverSessionsResumed, long serverResumesRefused,
                       long resumptionOn, long resumptionOff, long resumptionNotOffered, long resumptionNotConnected) {

    /** Counter names, in {@link RunReport#counters()} and the {@code .hlog}'s {@code #tether counter} lines. */
    public static final String SENDS_ACCEPTED = "delivery.sends.accepted";
    public static final String SENDS_REFUSED = "delivery.sends.refused";
    public static final String SENDS_ACKNOWLEDGED = "delivery.sends.acknowledged";
    public static final String SENDS_FAILED = "delivery.sends.failed";
    public static final String SENDS_AWAITING = "delivery.sends.awaiting";
    public static final String SENDS_RETRANSMITTED = "delivery.sends.retransmitted";
    public static final String SENDS_RESENT = "delivery.sends.resentAfterSessionLoss";
    public static final String SENDS_FAILED_ON_SESSION_LOSS = "delivery.sends.failedOnSessionLoss";
    public static final String SERVER_SENDS_RECEIVED = "delivery.server.sendsReceived";
    public static final String SERVER_SEND_DUPLICATES = "delivery.server.sendDuplicatesDropped";
    public static final String PUSHES_RECEIVED = "delivery.pushes.received";
    public static final String PUSHES_REPLAYED = "delivery.pushes.replayed";
    public static final String PUSH_DUPLICATES = "delivery.pushes.duplicatesDropped";
    public static final String PUSHES_MISSING = "delivery.pushes.missing";
    public static final String SERVER_PUSHES_REPLAYED = "delivery.server.pushesReplayed";
    public static final String SERVER_PUSHES_DROPPED = "delivery.server.pushesDroppedFromWindow";
    public static final String RESUMES_SUCCEEDED = "delivery.resumes.succeeded";
    public static final String RESUMES_FAILED = "delivery.resumes.failed";
    public static final String SERVER_SESSIONS_RESUMED = "delivery.server.sessionsResumed";
    public static final String SERVER_RESUMES_REFUSED = "delivery.server.resumesRefused";
    public static final String RESUMPTION_ON = "delivery.resumption.on";
    public static final String RESUMPTION_OFF = "delivery.resumption.off";
    public static final String RESUMPTION_NOT_OFFERED = "delivery.resumption.notOffered";
    public static final String RESUMPTION_NOT_CONNECTED = "delivery.resumption.notConnected";

    /** The figures a remote server does not tell: present in a report only when the server was embedded. */
    private static final List<String> SERVER = List.of(SERVER_SENDS_RECEIVED, SERVER_SEND_DUPLICATES, SERVER_PUSHES_REPLAYED,
            SERVER_PUSHES_DROPPED, SERVER_SESSIONS_RESUMED, SERVER_RESUMES_REFUSED);

    /** Writes the figures into a report as counters; the server's only when known (not -1). */
    public void writeTo(RunReport report) {
        Map<String, Long> all = counters();
        all.forEach((k, v) -> {
            if (v >= 0 || !SERVER.contains(k)) {
                report.counter(k, v);
            }
        });
    }

    /** Every figure by its counter name, in a stable order; unknown server figures are -1. */
    Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(SENDS_ACCEPTED, sendsAccepted);
        m.put(SENDS_REFUSED, sendsRefused);
        m.put(SENDS_ACKNOWLEDGED, sendsAcknowledged);
        m.put(SENDS_FAILED, sendsFailed);
        m.put(SENDS_AWAITING, sendsAwaiting);
        m.put(SENDS_RETRANSMITTED, sendsRetransmitted);
        m.put(SENDS_RESENT, sendsResentAfterSessionLoss);
        m.put(SENDS_FAILED_ON_SESSION_LOSS, sendsFailedOnSessionLoss);
        m.put(SERVER_SENDS_RECEIVED, serverSendsReceived);
        m.put(SERVER_SEND_DUPLICATES, serverSendDuplicatesDropped);
        m.put(PUSHES_RECEIVED, pushesReceived);
        m.put(PUSHES_REPLAYED, pushesReplayed);
        m.put(PUSH_DUPLICATES, pushDuplicatesDropped);
        m.put(PUSHES_MISSING, pushesMissing);
        m.put(SERVER_PUSHES_REPLAYED, serverPushesReplayed);
        m.put(SERVER_PUSHES_DROPPED, serverPushesDroppedFromWindow);
        m.put(RESUMES_SUCCEEDED, resumesSucceeded);
        m.put(RESUMES_FAILED, resumesFailed);
        m.put(SERVER_SESSIONS_RESUMED, serverSessionsResumed);
        m.put(SERVER_RESUMES_REFUSED, serverResumesRefused);
        m.put(RESUMPTION_ON, resumptionOn);
        m.put(RESUMPTION_OFF, resumptionOff);
        m.put(RESUMPTION_NOT_OFFERED, resumptionNotOffered);
        m.put(RESUMPTION_NOT_CONNECTED, resumptionNotConnected);
        return m;
    }

    /**
     * The delivery figures of a report, or {@code null} when it has none (a log written before loadtool counted
     * delivery, or a run that failed before its clients did anything). Server figures it lacks are -1.
     */
    public static Delivery of(RunReport r) {
        if (!r.hasCounter(SENDS_ACCEPTED)) {
            return null;
        }
        return new Delivery(r.counter(SENDS_ACCEPTED), r.counter(SENDS_REFUSED), r.counter(SENDS_ACKNOWLEDGED),
                r.counter(SENDS_FAILED), r.counter(SENDS_AWAITING), r.counter(SENDS_RETRANSMITTED), r.counter(SENDS_RESENT),
                r.counter(SENDS_FAILED_ON_SESSION_LOSS), known(r, SERVER_SENDS_RECEIVED), known(r, SERVER_SEND_DUPLICATES),
                r.counter(PUSHES_RECEIVED), r.counter(PUSHES_REPLAYED), r.counter(PUSH_DUPLICATES), r.counter(PUSHES_MISSING),
                known(r, SERVER_PUSHES_REPLAYED), known(r, SERVER_PUSHES_DROPPED),
                r.counter(RESUMES_SUCCEEDED), r.counter(RESUMES_FAILED), known(r, SERVER_SESSIONS_RESUMED),
                known(r, SERVER_RESUMES_REFUSED), r.counter(RESUMPTION_ON), r.counter(RESUMPTION_OFF),
                r.counter(RESUMPTION_NOT_OFFERED), r.counter(RESUMPTION_NOT_CONNECTED));
    }

    private static long known(RunReport r, String key) {
        return r.hasCounter(key) ? r.counter(key) : -1;
    }

    /**
     * Accepted sends that are neither acknowledged, failed nor awaiting: lost without a count. 0 in a run
     * without a bug; negative when more sends were settled than accepted (counted twice: a bug as well).
     */
    public long sendsUnaccounted() {
        return sendsAccepted - sendsAcknowledged - sendsFailed - sendsAwaiting;
    }

    /** Whether every accepted send is acknowledged, failed or awaiting. */
    public boolean balanced() {
        return sendsUnaccounted() == 0;
    }

    /** Whether any client's session had resumption (so that a completed send means acknowledged, not just written). */
    public boolean resumption() {
        return resumptionOn > 0;
    }

    /**
     * Acknowledged sends the embedded server's application never got: lost after the acknowledgement, which
     * resumption promises cannot happen. -1 when the server is not known or no session had resumption.
     */
    public long acknowledgedButNotReceived() {
        if (serverSendsReceived < 0 || !resumption() || resumptionOff + resumptionNotOffered > 0) {
            return -1;
        }
        return Math.max(0, sendsAcknowledged - serverSendsReceived);
    }

    /** The clients these figures cover (every client is in exactly one resumption state at the end). */
    public long clients() {
        return resumptionOn + resumptionOff + resumptionNotOffered + resumptionNotConnected;
    }

    /** What a reader must not miss: sends lost without a count, or acknowledged and never received. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        long unaccounted = sendsUnaccounted();
        if (unaccounted > 0) {
            p.add(String.format(Locale.ROOT, "DELIVERY NOT ACCOUNTED FOR: %d sends accepted, but %d acknowledged + %d failed + %d awaiting"
                    + " = %d: %d sends lost without a count (a bug in the SDK or in loadtool, please report it)",
                    sendsAccepted, sendsAcknowledged, sendsFailed, sendsAwaiting, sendsAccepted - unaccounted, unaccounted));
        } else if (unaccounted < 0) {
            p.add(String.format(Locale.ROOT, "DELIVERY NOT ACCOUNTED FOR: %d sends accepted, but %d acknowledged + %d failed + %d awaiting"
                    + " = %d: %d sends counted twice (a bug in the SDK or in loadtool, please report it)",
                    sendsAccepted, sendsAcknowledged, sendsFailed, sendsAwaiting, sendsAccepted - unaccounted, -unaccounted));
        }
        long notReceived = acknowledgedButNotReceived();
        if (notReceived > 0) {
            p.add(String.format(Locale.ROOT, "DELIVERY BROKEN: %d sends were acknowledged but the server received only %d: %d acknowledged"
                    + " sends never reached it", sendsAcknowledged, serverSendsReceived, notReceived));
        }
        return p;
    }

    /** The summary's lines, label and text, for the modes that move messages; empty for none. */
    public Map<String, String> lines(String mode) {
        Map<String, String> l = new LinkedHashMap<>();
        if (sendsAccepted > 0 || sendsRefused > 0 || "send".equals(mode)) {
            l.put("sends", String.format(Locale.ROOT, "%d accepted: %d %s, %d failed (lost, said so), %d awaiting at the end%s;"
                            + " %d retransmitted, %d resent after session loss (possibly duplicated)%s%s",
                    sendsAccepted, sendsAcknowledged, resumption() ? "acknowledged" : "written (no acknowledgements: resumption not on)",
                    sendsFailed, sendsAwaiting,
                    sendsUnaccounted() == 0 ? "" : String.format(Locale.ROOT, ", %d UNACCOUNTED", sendsUnaccounted()),
                    sendsRetransmitted, sendsResentAfterSessionLoss,
                    sendsFailedOnSessionLoss > 0 ? String.format(Locale.ROOT, ", %d failed on session loss", sendsFailedOnSessionLoss) : "",
                    sendsRefused > 0 ? String.format(Locale.ROOT, "; %d refused at once (not accepted)", sendsRefused) : ""));
            if (serverSendsReceived >= 0) {
                l.put("on server", String.format(Locale.ROOT, "%d sends received by the server's application, %d duplicates dropped",
                        serverSendsReceived, Math.max(0, serverSendDuplicatesDropped)));
            }
        }
        if (pushesReceived > 0 || pushesReplayed > 0 || pushesMissing > 0 || "push".equals(mode)) {
            l.put("pushes", String.format(Locale.ROOT, "%d received, %d of them replayed after a resume, %d duplicates dropped, %d known missing%s",
                    pushesReceived, pushesReplayed, pushDuplicatesDropped, pushesMissing,
                    serverPushesReplayed >= 0 ? String.format(Locale.ROOT, " (server: %d replayed, %d dropped from replay windows)",
                            serverPushesReplayed, Math.max(0, serverPushesDroppedFromWindow)) : ""));
        }
        if (clients() > 0) {
            l.put("resumption", String.format(Locale.ROOT, "on for %d of %d clients%s; %d resumes succeeded, %d failed (new session)%s",
                    resumptionOn, clients(), offText(),
                    resumesSucceeded, resumesFailed,
                    serverSessionsResumed >= 0 ? String.format(Locale.ROOT, " (server: %d resumed, %d refused)",
                            serverSessionsResumed, Math.max(0, serverResumesRefused)) : ""));
        }
        return l;
    }

    private String offText() {
        StringBuilder b = new StringBuilder();
        if (resumptionOff > 0) {
            b.append(", off in ").append(resumptionOff);
        }
        if (resumptionNotOffered > 0) {
            b.append(", not offered by the server to ").append(resumptionNotOffered);
        }
        if (resumptionNotConnected > 0) {
            b.append(", ").append(resumptionNotConnected).append(" never connected");
        }
        return b.toString();
    }

    /** The {@code delivery} object of the JSON summary (see the schema). */
    Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> resumption = new LinkedHashMap<>();
        resumption.put("on", resumptionOn);
        resumption.put("off", resumptionOff);
        resumption.put("notOffered", resumptionNotOffered);
        resumption.put("notConnected", resumptionNotConnected);
        root.put("resumption", resumption);
        Map<String, Object> sends = new LinkedHashMap<>();
        sends.put("accepted", sendsAccepted);
        sends.put("refused", sendsRefused);
        sends.put("acknowledged", sendsAcknowledged);
        sends.put("failed", sendsFailed);
        sends.put("awaitingAtEnd", sendsAwaiting);
        sends.put("unaccounted", sendsUnaccounted());
        sends.put("balanced", balanced());
        sends.put("retransmitted", sendsRetransmitted);
        sends.put("resentAfterSessionLoss", sendsResentAfterSessionLoss);
        sends.put("failedOnSessionLoss", sendsFailedOnSessionLoss);
        sends.put("serverReceived", orNull(serverSendsReceived));
        sends.put("serverDuplicatesDropped", orNull(serverSendDuplicatesDropped));
        root.put("sends", sends);
        Map<String, Object> pushes = new LinkedHashMap<>();
        pushes.put("received", pushesReceived);
        pushes.put("replayed", pushesReplayed);
        pushes.put("duplicatesDropped", pushDuplicatesDropped);
        pushes.put("missing", pushesMissing);
        pushes.put("serverReplayed", orNull(serverPushesReplayed));
        pushes.put("serverDroppedFromWindow", orNull(serverPushesDroppedFromWindow));
        root.put("pushes", pushes);
        Map<String, Object> resumes = new LinkedHashMap<>();
        resumes.put("succeeded", resumesSucceeded);
        resumes.put("failed", resumesFailed);
        resumes.put("serverResumed", orNull(serverSessionsResumed));
        resumes.put("serverRefused", orNull(serverResumesRefused));
        root.put("resumes", resumes);
        root.put("problems", problems());
        return root;
    }

    /** The delivery of a JSON summary (the inverse of {@link #toJson()}); {@code null} when it has none. */
    static Delivery fromJson(com.fasterxml.jackson.databind.JsonNode d) {
        if (d == null || !d.isObject()) {
            return null;
        }
        com.fasterxml.jackson.databind.JsonNode s = d.path("sends");
        com.fasterxml.jackson.databind.JsonNode p = d.path("pushes");
        com.fasterxml.jackson.databind.JsonNode r = d.path("resumes");
        com.fasterxml.jackson.databind.JsonNode on = d.path("resumption");
        return new Delivery(s.path("accepted").asLong(), s.path("refused").asLong(), s.path("acknowledged").asLong(),
                s.path("failed").asLong(), s.path("awaitingAtEnd").asLong(), s.path("retransmitted").asLong(),
                s.path("resentAfterSessionLoss").asLong(), s.path("failedOnSessionLoss").asLong(),
                s.path("serverReceived").asLong(-1), s.path("serverDuplicatesDropped").asLong(-1),
                p.path("received").asLong(), p.path("replayed").asLong(), p.path("duplicatesDropped").asLong(),
                p.path("missing").asLong(), p.path("serverReplayed").asLong(-1), p.path("serverDroppedFromWindow").asLong(-1),
                r.path("succeeded").asLong(), r.path("failed").asLong(), r.path("serverResumed").asLong(-1),
                r.path("serverRefused").asLong(-1), on.path("on").asLong(), on.path("off").asLong(),
                on.path("notOffered").asLong(), on.path("notConnected").asLong());
    }

    /** The figures {@code report --compare} sets side by side, by their label in its table. */
    Map<String, Long> compared() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sends accepted", sendsAccepted);
        m.put("sends acknowledged", sendsAcknowledged);
        m.put("sends failed", sendsFailed);
        m.put("sends awaiting at end", sendsAwaiting);
        m.put("sends UNACCOUNTED", sendsUnaccounted());
        m.put("sends retransmitted", sendsRetransmitted);
        m.put("sends resent (dup?)", sendsResentAfterSessionLoss);
        m.put("pushes received", pushesReceived);
        m.put("pushes replayed", pushesReplayed);
        m.put("push duplicates", pushDuplicatesDropped);
        m.put("pushes missing", pushesMissing);
        m.put("resumes succeeded", resumesSucceeded);
        m.put("resumes failed", resumesFailed);
        return m;
    }

    private static Long orNull(long v) {
        return v < 0 ? null : v;
    }
}
