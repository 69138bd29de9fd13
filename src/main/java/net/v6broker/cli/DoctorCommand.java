package net.v6broker.cli;

import java.util.Locale;
import net.v6broker.doctor.Doctor;
import net.v6broker.doctor.LinuxMachine;
import net.v6broker.doctor.Manifest;
import net.v6broker.error.InvalidInputException;

/** {@code doctor}: on a client machine, a running tunnel checked against its archive's manifest. */
final class DoctorCommand {
    private DoctorCommand() {
    }

    static Spec spec(Context c) {
        return Spec.command("doctor", a -> {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (!os.contains("linux")) {
                throw new InvalidInputException("v6broker doctor reads Linux's ip, /proc and /sys; on "
                        + System.getProperty("os.name") + " run the archive's sanity-check.sh instead: sh sanity-check.sh");
            }
            Manifest m = Manifest.read(a.path("--manifest"));
            LinuxMachine machine = new LinuxMachine(c.clock);
            Doctor.Report report = new Doctor(machine).examine(m, a.value("--probe"));
            report.lines().forEach(c.out::println);
            machine.problems().forEach(p -> c.err.println("v6broker: note: " + p));
            return report.exitCode();
        }, "On a client machine: check a running tunnel against its archive's manifest.json",
                "(openvpn and its version, the process, the clock and the certificate, the tun",
                "interface, its addresses and MTU, the routes, a subnet client's forwarding and",
                "LAN address, the server and a global address answering ping). Read-only: it",
                "changes nothing and sends only those pings. The same checks as the archive's",
                "sanity-check.sh, with the same output. Exit status 0: all passed, 1: a check failed.")
                .option("--manifest", "FILE", "manifest.json", "The archive's manifest.json (default: ./manifest.json).")
                .option("--probe", "ADDRESS", null,
                        "A global IPv6 address that should answer through the tunnel (default: that check is skipped).");
    }
}
