package net.v6broker.openvpn.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DecoderTest {
    /** A session with OpenVPN 2.6 as the broker has it: banner, bytecount, status, kill. */
    static final String EXCHANGE = String.join("\r\n",
            ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info",
            "SUCCESS: bytecount interval changed",
            "TITLE\tOpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] [AEAD] [DCO]",
            "TIME\t2026-11-24 01:30:00\t1795483800",
            "HEADER\tCLIENT_LIST\tCommon Name\tReal Address\tVirtual Address\tVirtual IPv6 Address\tBytes Received\tBytes Sent"
                    + "\tConnected Since\tConnected Since (time_t)\tUsername\tClient ID\tPeer ID\tData Channel Cipher",
            "CLIENT_LIST\ts1\t198.51.100.20:40318\t\t2001:db8:abba:f100::f101:2\t5432\t6789\t2026-11-24 01:29:50\t1795483790"
                    + "\tUNDEF\t1\t1\tAES-256-GCM",
            ">BYTECOUNT_CLI:0,123,456",
            "CLIENT_LIST\th1\t198.51.100.10:51820\t\t2001:db8:abba:f1ff::100\t100\t200\t2026-11-24 01:29:51\t1795483791"
                    + "\tUNDEF\t0\t0\tAES-256-GCM",
            "HEADER\tROUTING_TABLE\tVirtual Address\tCommon Name\tReal Address\tLast Ref\tLast Ref (time_t)",
            "ROUTING_TABLE\t2001:db8:abba:f101::/64\ts1\t198.51.100.20:40318\t2026-11-24 01:29:59\t1795483799",
            "GLOBAL_STATS\tMax bcast/mcast queue length\t0",
            "GLOBAL_STATS\tdco_enabled\t0",
            "END",
            "SUCCESS: client-kill command succeeded",
            "ERROR: client-kill command failed",
            "") ;

    static List<Message> decode(byte[] bytes, int chunk) {
        Decoder d = new Decoder();
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += chunk) {
            out.addAll(d.feed(bytes, i, Math.min(chunk, bytes.length - i)));
        }
        return out;
    }

    @Test
    void keepsNotificationsRepliesAndBlocksApartEvenWhenANotificationArrivesInsideABlock() {
        List<Message> m = decode(EXCHANGE.getBytes(StandardCharsets.UTF_8), 4096);
        assertThat(m).hasSize(6);
        assertThat(m.get(0)).isEqualTo(new Message.Notification("INFO",
                "OpenVPN Management Interface Version 5 -- type 'help' for more info"));
        assertThat(m.get(1)).isEqualTo(new Message.Success("bytecount interval changed"));
        assertThat(m.get(2)).isEqualTo(new Message.Notification("BYTECOUNT_CLI", "0,123,456"));
        assertThat(m.get(3)).isInstanceOf(Message.Block.class);
        assertThat(((Message.Block) m.get(3)).lines()).hasSize(9).allMatch(l -> !l.endsWith("\r"));
        assertThat(m.get(4)).isEqualTo(new Message.Success("client-kill command succeeded"));
        assertThat(m.get(5)).isEqualTo(new Message.Failure("client-kill command failed"));
    }

    @Test
    void parsesStatus3SessionsByTheirHeaderColumns() {
        Message.Block block = (Message.Block) decode(EXCHANGE.getBytes(StandardCharsets.UTF_8), 7).get(3);
        StatusReport r = StatusReport.parse(block);
        assertThat(r.rejected()).isZero();
        assertThat(r.time()).hasToString("2026-11-24T01:30:00Z");
        assertThat(r.sessions()).hasSize(2);
        Session s1 = r.sessions().get(0);
        assertThat(s1.commonName()).isEqualTo("s1");
        assertThat(s1.clientId()).isEqualTo(1);
        assertThat(s1.realAddress()).isEqualTo("198.51.100.20:40318");
        assertThat(s1.virtualIpv6()).isEqualTo("2001:db8:abba:f100::f101:2");
        assertThat(s1.bytesReceived()).isEqualTo(5432);
        assertThat(s1.bytesSent()).isEqualTo(6789);
        assertThat(s1.connectedSince()).hasToString("2026-11-24T01:29:50Z");
    }

    @Test
    void rejectsBrokenStatusRowsWithoutThrowing() {
        StatusReport r = StatusReport.parse(new Message.Block(List.of(
                "HEADER\tCLIENT_LIST\tCommon Name\tReal Address\tBytes Received\tBytes Sent\tConnected Since (time_t)\tClient ID",
                "CLIENT_LIST\tx\t1.2.3.4:5\tnot-a-number\t0\t0\t1",
                "CLIENT_LIST\ty",
                "CLIENT_LIST\tz\t198.51.100.5:1\t1\t2\t1795483790\t-4",
                "CLIENT_LIST\tok\t198.51.100.5:1\t1\t2\t1795483790\t4")));
        assertThat(r.rejected()).isEqualTo(3);
        assertThat(r.sessions()).extracting(Session::commonName).containsExactly("ok");
    }

    @Test
    void refusesControlCharactersInvalidUtf8AndOverlongLinesAndResynchronises() {
        Decoder d = new Decoder();
        byte[] hostile = "TITLE\tx\nCLIENT_LIST\tevil\u0007\n>INFO:ok\n".getBytes(StandardCharsets.UTF_8);
        List<Message> m = d.feed(hostile, 0, hostile.length);
        assertThat(m.get(0)).isInstanceOf(Message.Malformed.class);
        assertThat(((Message.Malformed) m.get(0)).excerpt()).contains("\\x07");
        assertThat(m.get(1)).isEqualTo(new Message.Notification("INFO", "ok"));
        assertThat(d.inBlock()).isFalse();

        byte[] bad = {(byte) 0xff, (byte) 0xfe, '\n', 'S', 'U', 'C', 'C', 'E', 'S', 'S', ':', ' ', 'x', '\n'};
        assertThat(d.feed(bad, 0, bad.length)).containsExactly(new Message.Malformed("invalid UTF-8", "(2 bytes)"),
                new Message.Success("x"));

        byte[] huge = new byte[Decoder.MAX_LINE + 10];
        java.util.Arrays.fill(huge, (byte) 'A');
        huge[huge.length - 1] = '\n';
        assertThat(d.feed(huge, 0, huge.length)).singleElement().isInstanceOf(Message.Malformed.class);
        byte[] after = ">STATE:1,CONNECTED\n".getBytes(StandardCharsets.UTF_8);
        assertThat(d.feed(after, 0, after.length)).containsExactly(new Message.Notification("STATE", "1,CONNECTED"));
    }

    @Test
    void aNotificationWithoutASourceIsMalformed() {
        assertThat(new Decoder().line(">no source here")).get().isInstanceOf(Message.Malformed.class);
        assertThat(new Decoder().line(">:x")).get().isInstanceOf(Message.Malformed.class);
    }

    /** Any split of a real exchange into reads decodes to the same messages. */
    @Property(tries = 500)
    void chunkingNeverChangesTheResult(@ForAll("chunks") int chunk) {
        byte[] bytes = EXCHANGE.getBytes(StandardCharsets.UTF_8);
        assertThat(decode(bytes, chunk)).isEqualTo(decode(bytes, bytes.length));
    }

    @Provide
    Arbitrary<Integer> chunks() {
        return Arbitraries.integers().between(1, 300);
    }

    /** Random bytes never throw, and a truncated exchange yields only whole messages. */
    @Property(tries = 2000)
    void randomOrTruncatedInputNeverThrows(@ForAll byte[] noise, @ForAll("cuts") int cut) {
        Decoder d = new Decoder();
        d.feed(noise, 0, noise.length);
        byte[] real = EXCHANGE.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(cut, real.length);
        List<Message> partial = new Decoder().feed(real, 0, n);
        for (Message m : partial) {
            if (m instanceof Message.Block b) {
                StatusReport.parse(b);
            }
        }
        assertThat(partial.size()).isLessThanOrEqualTo(6);
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.integers().between(0, 2000);
    }

    @Test
    void commandsRefuseAnythingButNumbersAndFixedWords() {
        assertThat(Command.kill(7).text()).isEqualTo("client-kill 7 HALT");
        assertThat(Command.status()).isEqualTo(new Command("status 3", true));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Command.kill(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
