package net.v6broker.cli;

/** {@code ca cert|crl}: the certification authority. */
final class CaCommands {
    private CaCommands() {
    }

    static Spec spec(Context c) {
        return Spec.group("ca", "The certification authority.")
                .sub(Spec.command("cert", a -> {
                    c.out.print(c.home().read(c.home().caCertificate()));
                    return Cli.OK;
                }, "Print the CA certificate (PEM)."))
                .sub(Spec.command("crl", a -> {
                    if (a.flag("--reissue")) {
                        c.broker().reissueCrl();
                    }
                    c.out.print(c.broker().currentCrl().pem());
                    return Cli.OK;
                }, "Print the current CRL (PEM).",
                        "With --reissue, first issue a new one (a new nextUpdate) and publish it where OpenVPN reads it:",
                        "for a broker run without 'serve', which otherwise re-issues it well before it expires.")
                        .flag("--reissue", "Issue and publish a new CRL first."));
    }
}
