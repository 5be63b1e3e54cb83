package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import dev.tether.protocol.Welcome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each hostile client must be dealt with alone: the server stays healthy, a session opened before the
 * attack (the witness) keeps being served, new sessions are still welcomed, and the registry empties.
 */
class HostileClientsTest {

    private static void assertHealthy(ServerFixture f, RawClient witness) throws IOException {
        witness.send(new Request(99, new byte[] {4, 2}));
        assertThat(witness.read()).isEqualTo(new Response(99, new byte[] {4, 2}));
        RawClient fresh = f.session();
        fresh.send(new Ping(7));
        assertThat(fresh.read()).isEqualTo(new Pong(7));
    }

    @Test
    void aRequestBeforeTheHelloGetsNotReadyAndIsNeverServed() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient witness = f.session();
            RawClient rude = f.raw();
            rude.send(new Request(1, new byte[] {1}), new Request(2, new byte[] {2}));
            List<Message> got = rude.readUntilClosed();
            assertThat(got).hasSize(1);
            assertThat(((ErrorMessage) got.get(0)).errorCode()).isEqualTo(ErrorCode.NOT_READY);
            assertThat(f.server.stats().requestsTotal()).isZero();
            assertHealthy(f, witness);
        }
    }

    @Test
    void aWrongTokenGetsAuthFailedAndNothingItSentIsServed() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().authToken("s3cret"))) {
            RawClient witness = f.raw();
            witness.send(new Hello(30_000, "good", "s3cret"));
            witness.read(Welcome.class);

            // The hello and a request arrive in one segment: the request must still not be served.
            RawClient intruder = f.raw();
            intruder.send(new Hello(30_000, "bad", "guess"), new Request(5, new byte[] {5}));
            List<Message> got = intruder.readUntilClosed();
            assertThat(got).hasSize(1);
            assertThat(((ErrorMessage) got.get(0)).errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);

            RawClient anonymous = f.raw();
            anonymous.send(new Hello(30_000, "none", null));
            assertThat(anonymous.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);

            assertThat(f.server.stats().authFailures()).isEqualTo(2);
            assertThat(f.server.stats().requestsTotal()).isZero();
            witness.send(new Request(1, new byte[] {1}));
            assertThat(witness.read()).isEqualTo(new Response(1, new byte[] {1}));
        }
    }

    @Test
    void aLengthPrefixOf2To31Minus1GetsFrameTooLargeWithoutAllocating() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient witness = f.session();
            RawClient liar = f.session();
            liar.sendBytes(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x54, 1});
            assertThat(liar.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
            assertThat(f.server.stats().protocolErrors()).isEqualTo(1);
            assertHealthy(f, witness);
        }
    }

    @Test
    void aFrameAboveTheAnnouncedMaximumClosesOnlyThatSession() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().maxFrameLength(1024))) {
            RawClient witness = f.session();
            RawClient big = f.session();
            big.send(new Request(1, new byte[2000]));
            ErrorMessage e = big.readErrorAndClose();
            assertThat(e.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
            assertThat(e.text()).contains("1024");
            witness.send(new Request(2, new byte[1000])); // just under the limit
            assertThat(witness.read()).isEqualTo(new Response(2, new byte[1000]));
            assertHealthy(f, witness);
        }
    }

    @Test
    void randomGarbageGetsAProtocolErrorAndOnlyThatConnectionCloses() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient witness = f.session();
            Random random = new Random(42);
            for (int i = 0; i < 20; i++) {
                byte[] garbage = new byte[64 + random.nextInt(4096)];
                random.nextBytes(garbage);
                garbage[4] = 0x13; // not the magic byte, in case the prefix happens to be a valid length
                RawClient noise = f.raw();
                noise.sendBytes(garbage);
                ErrorCode code = noise.readErrorAndClose().errorCode();
                assertThat(code).isIn(ErrorCode.PROTOCOL_ERROR, ErrorCode.FRAME_TOO_LARGE);
            }
            assertThat(f.server.stats().protocolErrors()).isEqualTo(20);
            assertHealthy(f, witness);
        }
    }

    @Test
    void aFrameOfUnknownTypeGetsAProtocolError() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient witness = f.session();
            RawClient odd = f.session();
            byte[] frame = MessageEncoder.toBytes(new Ping(1));
            frame[6] = 0x7e; // type byte: length(4) magic version type
            odd.sendBytes(frame);
            ErrorMessage e = odd.readErrorAndClose();
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
            assertThat(e.text()).contains("UNKNOWN_TYPE");
            assertHealthy(f, witness);
        }
    }

    @Test
    void aServerOnlyMessageOrASecondHelloFromAClientIsAProtocolError() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient twice = f.session();
            twice.send(new Hello(30_000, "again", null));
            assertThat(twice.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
            RawClient confused = f.session();
            confused.send(new Response(1, new byte[0]));
            assertThat(confused.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void anHttpClientGetsAPlainTextAnswerSayingThisIsNotHttp() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient curl = f.raw();
            curl.sendBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(curl.readRawUntilClosed(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400 Bad Request").contains("not HTTP");
            assertThat(f.server.stats().protocolErrors()).isEqualTo(1);
        }
    }

    @Test
    void aClientThatSendsRequestsButNeverReadsCannotMakeTheServerBufferWithoutBound() throws IOException {
        long cap = 1 << 20;
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().maxPendingBytesPerConnection(cap));
             SocketChannel flood = SocketChannel.open()) {
            RawClient witness = f.session();
            flood.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024); // a small window: the answers pile up at the server
            flood.connect(new InetSocketAddress("127.0.0.1", f.server.port()));
            flood.write(ByteBuffer.wrap(MessageEncoder.toBytes(new Hello(30_000, "flood", null))));
            flood.configureBlocking(false);

            // 1 KiB requests, echoed: write until the kernel buffers are full, which happens only once the
            // server stops reading from us. Bounded: at most 256 MiB.
            byte[] one = MessageEncoder.toBytes(new Request(1, new byte[1024]));
            ByteBuffer chunk = ByteBuffer.allocate(one.length * 64);
            while (chunk.hasRemaining()) {
                chunk.put(one);
            }
            long written = 0;
            try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
                flood.register(selector, java.nio.channels.SelectionKey.OP_WRITE);
                while (written < (256L << 20)) {
                    if (!chunk.hasRemaining()) {
                        chunk.rewind(); // only whole chunks: a partial write continues where it stopped
                    }
                    int n = flood.write(chunk);
                    written += n;
                    // Not writable for a whole second: the server has stopped reading from us.
                    if (n == 0 && selector.select(1_000) == 0) {
                        break;
                    }
                    selector.selectedKeys().clear();
                }
            }
            assertThat(written).as("the server kept reading a client that never reads: %s %s", f.server.stats(), f.server.sessions())
                    .isLessThan(256L << 20);

            List<SessionInfo> sessions = f.server.sessions();
            SessionInfo flooder = sessions.stream().filter(s -> s.clientId().equals("flood")).findFirst().orElseThrow();
            assertThat(flooder.pendingOutboundBytes()).isLessThanOrEqualTo(cap);
            assertThat(flooder.framesOut() * one.length).as("answers the server produced").isLessThan(written);
            assertThat(f.server.stats().slowConsumers()).isZero(); // held back by not reading, not dropped
            assertHealthy(f, witness);
        }
    }

    @Test
    void aSubscriberThatNeverReadsItsPushesIsDroppedAsASlowConsumer() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().maxFrameLength(64 * 1024).maxPendingBytesPerConnection(256 * 1024))) {
            RawClient witness = f.session();
            Socket deaf = new Socket();
            deaf.setReceiveBufferSize(16 * 1024);
            deaf.connect(new InetSocketAddress("127.0.0.1", f.server.port()));
            deaf.getOutputStream().write(MessageEncoder.toBytes(new Hello(30_000, "deaf", null)));
            Await.until(Duration.ofSeconds(5), () -> f.server.stats().handshakesTotal() == 2, () -> "" + f.server.stats());

            byte[] payload = new byte[32 * 1024];
            for (int i = 0; i < 2_000 && f.server.stats().slowConsumers() == 0; i++) {
                f.server.broadcast(null, payload);
                witness.read(dev.tether.protocol.Push.class); // the witness reads its pushes; the deaf one does not
            }
            Await.until(Duration.ofSeconds(5), () -> f.server.stats().slowConsumers() == 1, () -> "" + f.server.stats());
            Await.until(Duration.ofSeconds(5), () -> f.server.sessions().size() == 1, () -> "" + f.server.sessions());
            deaf.close();
            // Drain what the witness still has queued, then check it is served normally.
            witness.send(new Request(77, new byte[] {7}));
            Message m;
            do {
                m = witness.read();
            } while (m instanceof dev.tether.protocol.Push);
            assertThat(m).isEqualTo(new Response(77, new byte[] {7}));
        }
    }

    @Test
    void aThousandConnectionsDroppedMidFrameLeaveNothingBehind() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient witness = f.session();
            byte[] hello = MessageEncoder.toBytes(new Hello(30_000, "drop", null));
            byte[] request = MessageEncoder.toBytes(new Request(1, new byte[200]));
            long start = System.nanoTime();
            for (int i = 0; i < 1_000; i++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", f.server.port()));
                    if (i % 2 == 1) {
                        s.setSoLinger(true, 0); // half of them reset instead of closing cleanly
                    }
                    java.io.OutputStream out = s.getOutputStream();
                    if (i % 3 == 0) {
                        out.write(hello, 0, hello.length / 2); // cut inside the hello
                    } else {
                        out.write(hello);
                        out.write(request, 0, 2 + i % (request.length - 2)); // cut inside the prefix or the body
                    }
                    out.flush();
                }
            }
            // The accept queue is FIFO: once a last client is welcomed, every connection above was accepted, so
            // a count of one below is the end state, not a moment before the backlog's next accept.
            f.session().close();
            Await.until(Duration.ofSeconds(20), () -> f.server.stats().connections() == 1 && f.server.sessions().size() == 1,
                    () -> "connections left: " + f.server.stats());
            assertThat(f.server.sessions()).hasSize(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            assertHealthy(f, witness);
        }
    }

    @Test
    void repeatedWrongTokensAreAnsweredLaterAndLaterWithoutSlowingTheRightOne() throws IOException {
        long step = 3_000;
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().authToken("s3cret")
                .authFailureDelays(Duration.ofMillis(step), Duration.ofSeconds(10)))) {
            RawClient first = f.raw();
            first.send(new Hello(30_000, "guess-1", "guess"));
            assertThat(first.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);

            // The second failure from this address waits `step` before its answer ...
            RawClient second = f.raw();
            long sent = System.nanoTime();
            second.send(new Hello(30_000, "guess-2", "guess"));
            Await.until(Duration.ofSeconds(5), () -> f.server.stats().authFailures() == 2, () -> "" + f.server.stats());

            // ... while a client from the same address with the right token is welcomed meanwhile.
            RawClient good = f.raw();
            good.send(new Hello(30_000, "good", "s3cret"));
            good.read(Welcome.class);
            long waitedMillis = (System.nanoTime() - sent) / 1_000_000;
            if (waitedMillis < step) { // always, unless the machine stalled for seconds: then the order proves nothing
                assertThat(second.socket().getInputStream().available()).isZero();
            }

            assertThat(second.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);
            assertThat((System.nanoTime() - sent) / 1_000_000).isGreaterThanOrEqualTo(step);
            good.send(new Request(1, new byte[] {1}));
            assertThat(good.read()).isEqualTo(new Response(1, new byte[] {1}));
        }
    }

    @Test
    void aServerOnlyTypeAsTheFirstFrameGetsNotReady() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient witness = f.session();
            RawClient confused = f.raw();
            confused.send(new Welcome(1, 30_000, 1 << 20, "s", null));
            assertThat(confused.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.NOT_READY);
            assertHealthy(f, witness);
        }
    }

    @Test
    void aClientErrorWithARequestIdIsIgnoredButAConnectionLevelOneClosesTheConnection() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient c = f.session();
            c.send(new ErrorMessage(5, ErrorCode.APPLICATION_ERROR.code(), "answers nothing"), new Request(1, new byte[] {1}));
            assertThat(c.read()).isEqualTo(new Response(1, new byte[] {1}));
            assertThat(f.server.stats().protocolErrors()).isZero();

            c.send(new ErrorMessage(0, ErrorCode.PROTOCOL_ERROR.code(), "client is leaving"), new Request(2, new byte[] {2}));
            assertThat(c.readUntilClosed()).isEmpty(); // closed, and the request after the error was not served
            assertThat(f.server.stats().requestsTotal()).isEqualTo(1);
        }
    }

    @Test
    void aClientThatKeepsSendingAfterAnErrorIsCutOffAfterABoundedAmount() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient witness = f.session();
            RawClient rude = f.raw();
            rude.send(new Ping(1)); // NOT_READY: the server starts closing and drains what still comes
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 256; i++) { // 16 MiB at most
                    rude.sendBytes(chunk);
                }
            }).isInstanceOf(IOException.class); // reset once more than MAX_DISCARD_WHILE_CLOSING was dropped
            assertHealthy(f, witness);
        }
    }
}
