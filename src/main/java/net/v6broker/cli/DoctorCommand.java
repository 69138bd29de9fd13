package net.v6broker.cli;

import net.v6broker.error.InvalidInputException;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.Locale;
import net.v6broker.doctor.Doctor;
import net.v6broker.doctor.LinuxMachine;
import net.v6broker.doctor.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "doctor", mixinStandardHelpOptions = true, description = {
    "On a client machine: check a running tunnel against its archive's manifest.json",
    "(openvpn and its version, the process, the clock and the certificate, the tun",
    "interface, its addresses and MTU, the routes, a subnet client's forwarding and",
    "LAN address, the server and a global address answering ping). Read-only: it",
    "changes nothing and sends only those pings. The same checks as the archive's",
    "sanity-check.sh, with the same output. Exit status 0: all passed, 1: a check failed."})
final class DoctorCommand implements Callable<Integer> {
    private final Context context;
    @Option(names = "--manifest", defaultValue = "manifest.json", paramLabel = "FILE",
            description = "The archive's manifest.json (default: ./manifest.json).")
    Path manifest;
    @Option(names = "--probe", paramLabel = "ADDRESS",
            description = "A global IPv6 address that should answer through the tunnel (default: that check is skipped).")
    String probe;

    DoctorCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new InvalidInputException("v6broker doctor reads Linux's ip, /proc and /sys; on " + System.getProperty("os.name")
                    + " run the archive's sanity-check.sh instead: sh sanity-check.sh");
        }
        Manifest m = Manifest.read(manifest);
        LinuxMachine machine = new LinuxMachine(context.clock);
        Doctor.Report report = new Doctor(machine).examine(m, probe);
        report.lines().forEach(context.out::println);
        machine.problems().forEach(p -> context.err.println("v6broker: note: " + p));
        return report.exitCode();
    }
}
