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
                        .flag("--reissue", "Issue and publish a new CRL first."))
                .sub(Spec.group("rollover", "Move the broker to a new CA without a client losing service for more than "
                        + "one reconnect (docs/operator-guide.md, CA rollover).")
                        .sub(Spec.command("start", a -> start(c), "Make a new CA that issues from now on, trusted alongside the "
                                + "current one, which still signs its CRL.",
                                "Then renew every client ('client renew --previous-ca'), hand out the new profiles, and",
                                "'ca rollover finish'."))
                        .sub(Spec.command("status", a -> status(c), "Show the CAs and how many clients still hold a "
                                + "certificate of the previous one."))
                        .sub(Spec.command("finish", a -> finish(c), "Give the server a certificate of the new CA and stop "
                                + "trusting the previous one; refused while a live client holds one of its certificates.")));
    }

    private static void oneNode(Context c) {
        if (c.store().read(tx -> tx.nodes()).size() > 1) {
            throw new net.v6broker.error.InvalidInputException("this broker has several nodes: a CA rollover changes every node's "
                    + "CA files, which v6broker does for one home only; it is not supported with several nodes yet");
        }
    }

    private static int start(Context c) {
        oneNode(c);
        String name = net.v6broker.home.HomeCa.startRollover(c.home(), c.config(), c.clock, c.random());
        c.broker().caChanged("CA rollover started: " + name + " issues; the previous CA is trusted until 'ca rollover finish'");
        c.out.printf("rollover started: %s issues every new certificate; the previous CA stays trusted and signs its CRL%n", name);
        c.out.println("next: v6broker client renew --previous-ca; hand out the new profiles; then v6broker ca rollover finish");
        return Cli.OK;
    }

    /** The live clients whose certificate the previous CA signed, in name order. */
    static java.util.List<String> onPrevious(Context c, net.v6broker.ca.CertificateAuthority previous) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (net.v6broker.broker.Client x : c.broker().walk(net.v6broker.store.ClientQuery.ALL)) {
            if (x.status() != net.v6broker.client.ClientStatus.REVOKED
                    && previous.signed(net.v6broker.ca.Pem.readCertificate(x.certificatePem()))) {
                out.add(x.name());
            }
        }
        return out;
    }

    private static int status(Context c) {
        net.v6broker.ca.CertificateAuthority ca = c.ca();
        c.out.printf("issuing CA   %s, until %s%n", ca.certificate().getSubjectX500Principal().getName(), ca.certificate().getNotAfter().toInstant());
        if (ca.predecessor().isEmpty()) {
            c.out.println("no rollover under way");
            return Cli.OK;
        }
        net.v6broker.ca.CertificateAuthority previous = ca.predecessor().get();
        c.out.printf("previous CA  %s, until %s%n", previous.certificate().getSubjectX500Principal().getName(),
                previous.certificate().getNotAfter().toInstant());
        java.util.List<String> left = onPrevious(c, previous);
        c.out.printf("%d live client(s) still hold a certificate of the previous CA%s%n", left.size(),
                left.isEmpty() ? ": 'ca rollover finish' may run" : ": " + String.join(" ", left.subList(0, Math.min(20, left.size())))
                        + (left.size() > 20 ? " ..." : ""));
        return Cli.OK;
    }

    private static int finish(Context c) {
        oneNode(c);
        net.v6broker.ca.CertificateAuthority previous = c.ca().predecessor().orElseThrow(() ->
                new net.v6broker.error.InvalidInputException("no CA rollover is under way: start one with 'v6broker ca rollover start'"));
        java.util.List<String> left = onPrevious(c, previous);
        if (!left.isEmpty()) {
            throw new net.v6broker.error.BrokerException(net.v6broker.error.BrokerException.Kind.CONFLICT, left.size()
                    + " live client(s) still hold a certificate of the previous CA (" + String.join(", ",
                    left.subList(0, Math.min(10, left.size()))) + (left.size() > 10 ? ", ..." : "") + "): they would be locked out; "
                    + "renew them ('v6broker client renew --previous-ca') or revoke them first; nothing was changed");
        }
        net.v6broker.home.HomeCa.finishRollover(c.home(), c.config(), c.clock, c.random());
        c.broker().caChanged("CA rollover finished: the server's certificate is the new CA's; the previous CA is retired");
        c.out.println("rollover finished: the server has a certificate of the new CA, which alone is trusted now; the previous "
                + "CA's files are in " + c.home().retiredCa());
        return Cli.OK;
    }
}
