package net.v6broker.daemon;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.v6broker.MutableClock;
import net.v6broker.RecordedEffects;
import net.v6broker.broker.Broker;
import net.v6broker.broker.Credentials;
import net.v6broker.broker.NewClient;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.home.HomeSetup;
import net.v6broker.openvpn.Layout;
import net.v6broker.openvpn.ServerDirs;
import net.v6broker.store.Store;

/**
 * Benchmark (a {@code main}, not a test): the CPU one status poll costs the daemon with {@code N}
 * connected clients, on SQLite: {@code status 3} asked and parsed, sessions checked against the
 * database and recorded. OpenVPN's side is a socket that answers {@code status 3} with {@code N}
 * CLIENT_LIST lines in OpenVPN 2.6's format (as recorded in
 * {@code src/test/resources/management/openvpn-2.6.14-server-exchange.txt}), each poll with higher
 * byte counters, so that only the daemon's work is measured. The clock advances one second a poll,
 * as the daemon's loop does.
 *
 * <p>Run: {@code java -cp target/v6broker.jar:target/test-classes net.v6broker.daemon.StatusPollBench [N [POLLS]]}
 * (defaults 2000, 60). Prints {@code status-poll N=2000 polls=60 first_ms=... median_ms=... p90_ms=... max_ms=...}:
 * the CPU milliseconds of the polling thread for the first poll (every session new: all inserted),
 * then per later poll.
 */
public final class StatusPollBench {
    private StatusPollBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int polls = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path dir = Files.createTempDirectory("v6b-status-bench");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-02T12:00:00Z"));
        SecureRandom random = new SecureRandom();
        BrokerConfig config = new BrokerConfig("2001:db8:100::/40", BrokerConfig.Endpoint.parse("vpn.example.net"), null, null, null);
        Home home = new HomeSetup(clock, random).create(dir.resolve("home"), config);
        try (Store store = Store.open(home.databaseUrl(config), null, null)) {
            CertificateAuthority ca = CertificateAuthority.load(home.read(home.caCertificate()), home.read(home.caKey()), clock, random);
            Broker broker = new Broker(config, store, () -> ca, clock, new RecordedEffects());
            List<NewClient> requests = new ArrayList<>();
            List<Credentials> certs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                requests.add(new NewClient(String.format(Locale.ROOT, "c%05d", i), i % 2 == 0 ? ClientKind.HERMIT : ClientKind.SUBNET,
                        ClientOs.LINUX, null));
                certs.add(broker.issue(requests.get(i).name()));
            }
            broker.addBatch(requests, certs);
            Daemon daemon = new Daemon(home, config, store, broker, clock, random,
                    new Daemon.Options(Layout.SHARED, false, "bench", false));
            Path socket = ServerDirs.managementSocket(daemon.serverDir());
            Files.createDirectories(socket.getParent());
            Thread openvpn = fakeOpenvpn(socket, n, clock);
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            double[] ms = new double[polls];
            for (int p = 0; p <= polls; p++) {
                long t = cpu.getCurrentThreadCpuTime();
                daemon.pollStatus();
                double spent = (cpu.getCurrentThreadCpuTime() - t) / 1e6;
                if (p == 0) {
                    System.out.printf(Locale.ROOT, "status-poll N=%d polls=%d first_ms=%.1f", n, polls, spent);
                } else {
                    ms[p - 1] = spent;
                }
                clock.advance(Duration.ofSeconds(1));
            }
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, " median_ms=%.1f p90_ms=%.1f max_ms=%.1f%n", ms[polls / 2], ms[(int) (polls * 0.9)],
                    ms[polls - 1]);
            daemon.close();
            openvpn.interrupt();
        }
    }

    /** Answers the banner, then every {@code status 3} with {@code n} sessions whose counters grow. */
    private static Thread fakeOpenvpn(Path socket, int n, MutableClock clock) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (server; SocketChannel c = server.accept()) {
                c.write(ByteBuffer.wrap(">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info\r\n"
                        .getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer in = ByteBuffer.allocate(4096);
                long round = 0;
                while (c.read(in) >= 0) {
                    String got = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                    if (!got.contains("\n")) {
                        continue;
                    }
                    in.clear();
                    round++;
                    ByteBuffer out = ByteBuffer.wrap(status(n, round, clock.instant()).getBytes(StandardCharsets.US_ASCII));
                    while (out.hasRemaining()) {
                        c.write(out);
                    }
                }
            } catch (IOException e) {
                // the bench is over
            }
        }, "fake-openvpn");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String status(int n, long round, Instant now) {
        long since = Instant.parse("2026-12-02T11:00:00Z").getEpochSecond();
        StringBuilder b = new StringBuilder(200 * n);
        b.append("TITLE\tOpenVPN 2.6.14 x86_64-pc-linux-gnu\r\n");
        b.append("TIME\t2026-12-02 12:00:00\t").append(now.getEpochSecond()).append("\r\n");
        b.append("HEADER\tCLIENT_LIST\tCommon Name\tReal Address\tVirtual Address\tVirtual IPv6 Address\tBytes Received\tBytes Sent\t"
                + "Connected Since\tConnected Since (time_t)\tUsername\tClient ID\tPeer ID\tData Channel Cipher\r\n");
        for (int i = 0; i < n; i++) {
            b.append("CLIENT_LIST\tc").append(String.format(Locale.ROOT, "%05d", i)).append("\t198.51.100.").append(1 + i % 250)
                    .append(':').append(1024 + i).append("\t\t2001:db8:100:").append(Integer.toHexString(1 + i)).append("::2\t")
                    .append(1000 * round + i).append('\t').append(900 * round + i).append("\t2026-12-02 11:00:00\t").append(since)
                    .append("\tUNDEF\t").append(i).append('\t').append(i).append("\tAES-256-GCM\r\n");
        }
        b.append("GLOBAL_STATS\tMax bcast/mcast queue length\t0\r\nEND\r\n");
        return b.toString();
    }
}
