package net.v6broker.cli;

import java.nio.file.Path;
import net.v6broker.broker.Client;
import net.v6broker.openvpn.ClientExport;
import net.v6broker.openvpn.ExportRequest;
import net.v6broker.openvpn.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true, description = {
    "Write a client's OpenVPN profile (mode 0600: it holds the client's key).",
    "ovpn: one inline profile. tar.gz (Linux, macOS) and zip (Windows): a folder",
    "NAME/ with the profile, a subnet client's LAN up script, README.txt,",
    "manifest.json and sanity-check.sh. A revoked client is refused; a suspended",
    "one is exported (its profile works again after resume)."})
final class ExportCommand implements Runnable {
    private final Context context;
    @Parameters(index = "0", paramLabel = "NAME", description = "The client.")
    String name;
    @Option(names = "--format", required = true, paramLabel = "ovpn|tar.gz|zip", description = "What to write.")
    String format;
    @Option(names = "--out", paramLabel = "FILE", description = "Where to write (default: ./NAME.ovpn, ./NAME.tar.gz or ./NAME.zip).")
    Path out;
    @Option(names = "--layout", defaultValue = "shared", paramLabel = "shared|per-client",
            description = "The server layout the profile connects to (default: shared).")
    String layout;
    @Option(names = "--lan-if", paramLabel = "IFACE", description = "A subnet client's LAN interface (default: "
            + "openvpn.lanInterface on Linux, en0 on macOS, Ethernet on Windows).")
    String lanInterface;

    ExportCommand(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        ExportRequest request = ExportRequest.parse(format, layout, lanInterface);
        Client client = context.broker().show(name);
        byte[] bytes = ClientExport.render(context.site(), client, context.home().read(context.home().caCertificate()),
                context.home().read(context.home().tlsCryptKey()), request, context.clock.instant());
        Path target = out != null ? out : Path.of(client.name() + "." + request.format().extension());
        ClientExport.save(target, bytes);
        context.out.printf("wrote %s (%s, %s layout, %d bytes, mode 0600)%n", target, request.format().cliName(),
                request.layout().cliName(), bytes.length);
    }
}
