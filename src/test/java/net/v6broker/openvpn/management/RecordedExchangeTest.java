package net.v6broker.openvpn.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real exchange with OpenVPN 2.6.14 (a shared-layout server with a hermit and a subnet client),
 * recorded byte for byte from its management socket: banner, version, status 3, bytecount on and
 * off, a client-kill of a client that doesn't exist, an unknown command.
 */
class RecordedExchangeTest {

    static byte[] recorded() throws IOException {
        try (InputStream in = RecordedExchangeTest.class.getResourceAsStream("/management/openvpn-2.6.14-server-exchange.txt")) {
            return in.readAllBytes();
        }
    }

    @Test
    void decodesTheRecordedExchangeIntoTheRightMessagesAtAnyReadSize() throws IOException {
        byte[] bytes = recorded();
        for (int chunk : new int[] {1, 2, 3, 17, 512, bytes.length}) {
            List<Message> m = DecoderTest.decode(bytes, chunk);
            assertThat(m).as("read size " + chunk).hasSize(8);
            assertThat(m.get(0)).isInstanceOf(Message.Notification.class)
                    .extracting(x -> ((Message.Notification) x).source()).isEqualTo("INFO");
            assertThat(((Message.Block) m.get(1)).lines()).containsExactly(
                    "OpenVPN Version: OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] [AEAD] [DCO]",
                    "Management Version: 5");
            assertThat(((Message.Block) m.get(2)).lines()).hasSize(11).first().asString().startsWith("TITLE\t");
            assertThat(m.get(3)).isEqualTo(new Message.Success("bytecount interval changed"));
            assertThat(m.get(4)).isEqualTo(new Message.Notification("BYTECOUNT_CLI", "1,2721,2690"));
            assertThat(m.get(5)).isEqualTo(new Message.Success("bytecount interval changed"));
            assertThat(m.get(6)).isEqualTo(new Message.Failure("client-kill command failed"));
            assertThat(m.get(7)).isEqualTo(new Message.Failure("unknown command, enter 'help' for more options"));
        }
    }

    @Test
    void parsesTheRecordedStatusIntoBothSessions() throws IOException {
        Message.Block status = (Message.Block) DecoderTest.decode(recorded(), 4096).get(2);
        StatusReport r = StatusReport.parse(status);
        assertThat(r.rejected()).isZero();
        assertThat(r.sessions()).extracting(Session::commonName, Session::clientId, Session::virtualIpv6)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("h1", 1L, "2001:db8:abba:f1ff::100"),
                        org.assertj.core.groups.Tuple.tuple("s1", 0L, "2001:db8:abba:f100::f101:2"));
        assertThat(r.sessions().get(0).realAddress()).isEqualTo("198.51.100.10:35618");
        assertThat(r.sessions().get(0).bytesReceived()).isEqualTo(2649);
    }

    @Test
    void everyTruncationOfTheRecordingDecodesWithoutThrowing() throws IOException {
        byte[] bytes = recorded();
        for (int cut = 0; cut <= bytes.length; cut += 7) {
            Decoder d = new Decoder();
            for (Message m : d.feed(bytes, 0, cut)) {
                if (m instanceof Message.Block b) {
                    StatusReport.parse(b);
                }
            }
        }
    }
}
