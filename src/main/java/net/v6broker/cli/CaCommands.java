package net.v6broker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "ca", description = "The certification authority.")
final class CaCommands implements Runnable {
    private final Context context;

    CaCommands(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand: cert, crl");
    }

    @Command(name = "cert", description = "Print the CA certificate (PEM).")
    static final class Cert implements Runnable {
        private final Context context;

        Cert(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            context.out.print(context.home().read(context.home().caCertificate()));
        }
    }

    @Command(name = "crl", description = {"Print the current CRL (PEM).",
        "With --reissue, first issue a new one (a new nextUpdate) and publish it where OpenVPN reads it:",
        "for a broker run without 'serve', which otherwise re-issues it well before it expires."})
    static final class Crl implements Runnable {
        private final Context context;
        @picocli.CommandLine.Option(names = "--reissue", description = "Issue and publish a new CRL first.")
        boolean reissue;

        Crl(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            if (reissue) {
                context.broker().reissueCrl();
            }
            context.out.print(context.broker().currentCrl().pem());
        }
    }
}
