package net.v6broker.doctor;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.v6broker.broker.Client;
import net.v6broker.client.ClientKind;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Ipv6Prefix;

/**
 * On-link upstream, as this server's kernel has it: the proxy-NDP entries on the upstream
 * interface and whether {@code proxy_ndp} and forwarding are on there, which the kernel needs to
 * answer for an entry. {@link #check} compares them with the active hermits: every one must have
 * its entry, and no address of P without an active hermit may keep one. Immutable.
 *
 * @param entries     the addresses with an entry, as {@code ip -6 neigh show proxy dev IF} lists them
 * @param proxyNdp    {@code /proc/sys/net/ipv6/conf/IF/proxy_ndp}, stripped; null if unreadable
 * @param forwarding  {@code /proc/sys/net/ipv6/conf/IF/forwarding}, stripped; null if unreadable
 */
public record UpstreamNeighbours(String device, List<String> entries, String proxyNdp, String forwarding) {

    /** Reads them for the interface (a name the configuration validated). */
    public static UpstreamNeighbours read(String device) {
        List<String> entries = new ArrayList<>();
        for (String line : output(List.of("ip", "-6", "neigh", "show", "proxy", "dev", device)).split("\n")) {
            String first = line.strip().split("\\s+")[0];
            if (first.contains(":")) {
                entries.add(first);
            }
        }
        Path conf = Path.of("/proc/sys/net/ipv6/conf", device);
        return new UpstreamNeighbours(device, entries, read(conf.resolve("proxy_ndp")), read(conf.resolve("forwarding")));
    }

    /** Where the kernel's proxy entries disagree with the database's active hermits. */
    public List<Mismatch> check(AddressPlan plan, Iterable<Client> clients) {
        List<Mismatch> out = new ArrayList<>();
        String fixOff = "serve turns proxy_ndp on at start; by hand: sudo sysctl -w net.ipv6.conf." + device + ".proxy_ndp=1";
        if (!"1".equals(proxyNdp)) {
            out.add(new Mismatch("upstream " + device, "proxy_ndp is " + (proxyNdp == null ? "unreadable (no such interface?)"
                    : proxyNdp) + ": the upstream router finds no hermit", fixOff));
        }
        if (!"1".equals(forwarding)) {
            out.add(new Mismatch("upstream " + device, "forwarding is " + (forwarding == null ? "unreadable" : forwarding)
                    + ": the kernel answers for proxy entries only on a forwarding interface",
                    "sudo sysctl -w net.ipv6.conf.all.forwarding=1 (docs/operator-guide.md, section 3)"));
        }
        Set<BigInteger> present = new HashSet<>();
        for (String e : entries) {
            present.add(Ipv6Prefix.parse(e + "/128").network());
        }
        Set<BigInteger> wanted = new HashSet<>();
        for (Client c : clients) {
            if (c.type() != ClientKind.HERMIT || !c.active()) {
                continue;
            }
            BigInteger a = c.assignment().prefix().network();
            wanted.add(a);
            if (!present.contains(a)) {
                out.add(new Mismatch(c.name(), "is active but has no proxy NDP entry on " + device + ": the upstream router "
                        + "cannot find " + Ipv6Prefix.format(a), "serve adds it at start and with every change: is it running? "
                        + "By hand: sudo ip -6 neigh replace proxy " + Ipv6Prefix.format(a) + " dev " + device));
            }
        }
        for (BigInteger a : present) {
            if (!wanted.contains(a) && plan.prefix().contains(Ipv6Prefix.of(a, 128))) {
                out.add(new Mismatch(Ipv6Prefix.format(a), "has a proxy NDP entry on " + device + " but no active hermit: the "
                        + "upstream router still sends its traffic here", "serve removes it at start and with every change: "
                        + "is it running? By hand: sudo ip -6 neigh del proxy " + Ipv6Prefix.format(a) + " dev " + device));
            }
        }
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return null;
        }
    }

    /** The command's output; empty when it cannot run or fails (then every active hermit is reported). */
    private static String output(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
