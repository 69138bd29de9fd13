package net.v6broker.cli;

import java.nio.file.Path;
import net.v6broker.broker.Client;
import net.v6broker.broker.ControlKeys;
import net.v6broker.openvpn.ClientExport;
import net.v6broker.openvpn.ExportRequest;

/** {@code client export}: a client's OpenVPN profile or archive. */
final class ExportCommand {
    private ExportCommand() {
    }

    static Spec spec(Context c) {
        return Spec.command("export", a -> {
            ExportRequest request = ExportRequest.parse(a.value("--format"), a.value("--layout"), a.value("--lan-if"),
                    a.value("--compat"), a.value("--for"));
            Client client = c.broker().show(a.positional(0));
            String key = ControlKeys.clientKey(ControlKeys.serverKey(c.store(), c.random()), client, c.random());
            byte[] bytes = ClientExport.render(c.site(), client, c.home().read(c.home().caCertificate()), key, request,
                    c.clock.instant());
            Path out = a.path("--out");
            Path target = out != null ? out : Path.of(client.name() + "." + request.format().extension());
            ClientExport.save(target, bytes);
            c.out.printf("wrote %s (%s, %s layout, %d bytes, mode 0600)%n", target, request.format().cliName(),
                    request.layout().cliName(), bytes.length);
            return Cli.OK;
        }, "Write a client's OpenVPN profile (mode 0600: it holds the client's key).",
                "ovpn: one inline profile. tar.gz (Linux, macOS) and zip (Windows): a folder",
                "NAME/ with the profile, a subnet client's LAN up script, README.txt,",
                "manifest.json and sanity-check.sh. A revoked client is refused; a suspended",
                "one is exported (its profile works again after resume).")
                .positional("NAME", "The client.")
                .required("--format", "ovpn|tar.gz|zip", "What to write.")
                .option("--out", "FILE", null, "Where to write (default: ./NAME.ovpn, ./NAME.tar.gz or ./NAME.zip).")
                .option("--layout", "shared|per-client", "shared", "The server layout the profile connects to (default: shared).")
                .option("--lan-if", "IFACE", null, "A subnet client's LAN interface (default: "
                        + "openvpn.lanInterface on Linux, en0 on macOS, Ethernet on Windows).")
                .option("--compat", "no-tls-crypt", null, "A profile without tls-crypt, for the instance on "
                        + "openvpn.compatPort (refused when there is none): for clients that lack it (MikroTik, Asus).")
                .option("--for", "APP", null, "The client program (docs/compatibility.md: openvpn2.4 .. openvpn2.7, openvpn3, "
                        + "android, passepartout, openwrt, mikrotik, asus): refuses a profile it cannot use, and says why.");
    }
}
