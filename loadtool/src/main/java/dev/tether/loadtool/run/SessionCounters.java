package dev.tether.loadtool.run;

import dev.tether.client.ClientStats;
import dev.tether.client.Resumption;

/**
 * What the clients' own statistics say about their sessions and the delivery of their messages, summed over
 * a run's clients. {@link #of(ClientStats)} is the one place that reads the SDK's figures; everything else
 * adds these up and hands them to {@link DeliveryCount}.
 *
 * @param resumptionOn           clients whose session has resumption
 * @param resumptionOff          clients with resumption turned off in their configuration
 * @param resumptionNotOffered   clients whose server did not offer resumption
 * @param resumptionNotConnected clients before their first handshake
 * @param sendsAwaitingAck       sends written and kept until the server acknowledges them
 * @param bufferedSends          sends (and requests) waiting in the send buffer, not written yet
 * @param sendsAcknowledged      sends the server acknowledged
 * @param sendsRetransmitted     sends written again on a resumed session
 * @param sendsResentAfterSessionLoss sends re-sent on a new session (possibly duplicated)
 * @param sendsFailedOnSessionLoss sends failed because their session could not be resumed
 * @param resumesSucceeded       reconnects that resumed the session
 * @param resumesFailed          reconnects that got a new session
 * @param pushesReplayed         pushes received as a replay
 * @param pushDuplicatesDropped  replayed pushes dropped as duplicates
 * @param pushesMissing          pushes known to be lost
 */
record SessionCounters(long resumptionOn, long resumptionOff, long resumptionNotOffered, long resumptionNotConnected,
                       long sendsAwaitingAck, long bufferedSends, long sendsAcknowledged, long sendsRetransmitted,
                       long sendsResentAfterSessionLoss, long sendsFailedOnSessionLoss, long resumesSucceeded,
                       long resumesFailed, long pushesReplayed, long pushDuplicatesDropped, long pushesMissing) {

    /** No clients. */
    static final SessionCounters NONE = new SessionCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** One client's figures. */
    static SessionCounters of(ClientStats s) {
        Resumption r = s.resumption();
        return new SessionCounters(r == Resumption.ON ? 1 : 0, r == Resumption.OFF ? 1 : 0, r == Resumption.NOT_OFFERED ? 1 : 0,
                r == Resumption.NOT_CONNECTED ? 1 : 0, s.sendsAwaitingAck(), s.bufferedSends(), s.sendsAcknowledged(),
                s.sendsRetransmitted(), s.sendsResentAfterSessionLoss(), s.sendsFailedOnSessionLoss(), s.resumesSucceeded(),
                s.resumesFailed(), s.pushesReplayed(), s.pushDuplicatesDropped(), s.pushesMissing());
    }

    /** Both summed. */
    SessionCounters plus(SessionCounters o) {
        return new SessionCounters(resumptionOn + o.resumptionOn, resumptionOff + o.resumptionOff,
                resumptionNotOffered + o.resumptionNotOffered, resumptionNotConnected + o.resumptionNotConnected,
                sendsAwaitingAck + o.sendsAwaitingAck, bufferedSends + o.bufferedSends, sendsAcknowledged + o.sendsAcknowledged,
                sendsRetransmitted + o.sendsRetransmitted, sendsResentAfterSessionLoss + o.sendsResentAfterSessionLoss,
                sendsFailedOnSessionLoss + o.sendsFailedOnSessionLoss, resumesSucceeded + o.resumesSucceeded,
                resumesFailed + o.resumesFailed, pushesReplayed + o.pushesReplayed,
                pushDuplicatesDropped + o.pushDuplicatesDropped, pushesMissing + o.pushesMissing);
    }

    /** Sends the clients still hold: awaiting acknowledgement or not written yet. */
    long sendsHeld() {
        return sendsAwaitingAck + bufferedSends;
    }
}
