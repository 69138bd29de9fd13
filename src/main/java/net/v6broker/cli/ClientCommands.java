package net.v6broker.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import net.v6broker.api.ClientJson;
import net.v6broker.broker.Broker;
import net.v6broker.broker.Client;
import net.v6broker.store.ClientQuery;
import net.v6broker.broker.Importer;
import net.v6broker.broker.NewClient;
import net.v6broker.broker.Outcome;
import net.v6broker.ca.GeneratedKey;
import net.v6broker.ca.KeyType;
import net.v6broker.config.Home;
import net.v6broker.client.ClientStatus;
import net.v6broker.config.Validation;
import net.v6broker.error.InvalidInputException;

/** {@code client add|list|show|revoke|suspend|resume|renew|delete|import|export}. */
final class ClientCommands {
    private ClientCommands() {
    }

    static Spec spec(Context c) {
        return Spec.group("client", "Add, list, show, revoke, suspend, resume, renew, delete and import clients.")
                .sub(add(c))
                .sub(list(c))
                .sub(show(c))
                .sub(revoke(c))
                .sub(change(c, "suspend", "suspended", "Refuse the client at connect until resumed; the certificate stays valid.",
                        Broker::suspend))
                .sub(change(c, "resume", "resumed", "Let a suspended client connect again.", Broker::resume))
                .sub(renew(c))
                .sub(change(c, "delete", "deleted", "Revoke, remove from listings, and quarantine the prefix before reuse.",
                        Broker::delete))
                .sub(resize(c))
                .sub(importer(c))
                .sub(ExportCommand.spec(c));
    }

    static void print(Context context, Client c, boolean json) {
        if (json) {
            context.out.print(Home.toJson(ClientJson.of(c, true)));
            return;
        }
        context.out.printf("name             %s%n", c.name());
        context.out.printf("type             %s%n", c.type().cliName());
        context.out.printf("os               %s%n", c.os().cliName());
        if (c.email() != null) {
            context.out.printf("email            %s%n", c.email());
        }
        context.out.printf("status           %s%n", c.status().dbName());
        context.out.printf("prefix           %s%n", c.assignment().prefix());
        context.out.printf("transfer server  %s%n", c.assignment().transferServer());
        context.out.printf("transfer client  %s%n", c.assignment().transferClient());
        context.out.printf("serial           %s%n", c.serial());
        context.out.printf("valid until      %s%n", c.notAfter());
        context.out.printf("created          %s%n", c.createdAt());
    }

    private static Spec add(Context c) {
        return Spec.command("add", a -> {
            // the two longest first, each on its own thread: opening the database (which reads the
            // configuration on its way) and loading the CA
            c.openStoreInBackground();
            c.loadCaInBackground();
            NewClient request = NewClient.parse(a.positional(0), a.value("--type"), a.value("--os"), a.value("--email"));
            String size = a.value("--size");
            request = size == null ? request : request.withSize(NewClient.parseSize(size));
            // the client's key needs no CA: made here, while the CA and the database load
            GeneratedKey key = GeneratedKey.generate(KeyType.parse(c.config().ca().keyType()), c.random());
            print(c, c.broker().add(request, key).value(), a.flag("--json"));
            return Cli.OK;
        }, "Add a client: allocate its address or prefix, issue its key and certificate.")
                .positional("NAME", "Letters, digits, '.', '_', '-'; 1..64; no leading '.' or '-'.")
                .required("--type", "hermit|subnet", "hermit: one /128; subnet: a routed prefix (/64 unless --size).")
                .option("--size", "64|60|56|48", null, "A subnet's prefix length (default 64); the plan must offer it.")
                .option("--os", "linux|windows|macos|openwrt|router", "linux")
                .option("--email", "E", null)
                .flag("--json", "Print the client as JSON.");
    }

    private static Spec list(Context c) {
        return Spec.command("list", a -> {
            java.time.Instant before = a.value("--expiring") == null ? null
                    : c.clock.instant().plus(java.time.Duration.ofDays(days("--expiring", a.value("--expiring"))));
            Iterable<Client> all = c.broker().walk(ClientQuery.ALL);
            Iterable<Client> clients = before == null ? all : () -> java.util.stream.StreamSupport.stream(all.spliterator(), false)
                    .filter(x -> x.status() != ClientStatus.REVOKED && x.notAfter().isBefore(before)).iterator();
            if (a.flag("--json")) {
                Home.printJsonArray(c.out, clients, x -> ClientJson.of(x, false));
                return Cli.OK;
            }
            c.out.printf("%-24s %-7s %-9s %-8s %-22s %s%n", "NAME", "TYPE", "STATUS", "OS", "CERTIFICATE ENDS", "PREFIX");
            for (Client x : clients) {
                c.out.printf("%-24s %-7s %-9s %-8s %-22s %s%n", x.name(), x.type().cliName(), x.status().dbName(), x.os().cliName(),
                        x.notAfter(), x.assignment().prefix());
            }
            return Cli.OK;
        }, "List the clients (deleted ones are not shown), in name order, as they are read: any number in constant memory.")
                .option("--expiring", "DAYS", null, "Only those whose certificate ends within DAYS (30 or 30d), revoked ones left "
                        + "out: renew them ('client renew NAME') before they are refused.")
                .flag("--json", "Print a JSON array.");
    }

    /** A number of days as typed: {@code 30} or {@code 30d}, 1..36500. */
    static long days(String option, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,5})d?").matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) < 1 || Long.parseLong(m.group(1)) > 36_500) {
            throw new InvalidInputException(option + " " + Validation.quote(text) + ": accepted a number of days, 1..36500, "
                    + "such as 30 or 30d");
        }
        return Long.parseLong(m.group(1));
    }

    private static Spec show(Context c) {
        return Spec.command("show", a -> {
            print(c, c.broker().show(a.positional(0)), a.flag("--json"));
            return Cli.OK;
        }, "Show one client.")
                .positional("NAME", null)
                .flag("--json", "Print JSON, with the certificate PEM.");
    }

    /** {@code client revoke NAME...}: one transaction and one CRL for all of them, or nothing. */
    private static Spec revoke(Context c) {
        return Spec.command("revoke", a -> {
            List<String> names = new ArrayList<>();
            names.add(a.positional(0));
            names.addAll(a.rest(1));
            List<Client> revoked = c.broker().revoke(names).value();
            if (a.flag("--json")) {
                c.out.print(Home.toJson(revoked.size() == 1 ? ClientJson.of(revoked.get(0), false)
                        : revoked.stream().map(x -> ClientJson.of(x, false)).toList()));
            } else {
                for (Client x : revoked) {
                    c.out.printf("revoked: %s (%s, %s)%n", x.name(), x.status().dbName(), x.assignment().prefix());
                }
            }
            return Cli.OK;
        }, "Revoke certificates for good (one CRL for all; all or, if one name is refused, none); the prefixes stay reserved.")
                .positional("NAME", null)
                .rest("NAME...")
                .flag("--json", "Print the client as JSON afterwards (an array for several).");
    }

    /** One of the state changes; they differ only in the broker operation. */
    private static Spec change(Context c, String verb, String past, String description,
                               BiFunction<Broker, String, Outcome<Client>> action) {
        return Spec.command(verb, a -> {
            Client changed = action.apply(c.broker(), a.positional(0)).value();
            if (a.flag("--json")) {
                c.out.print(Home.toJson(ClientJson.of(changed, false)));
            } else {
                c.out.printf("%s: %s (%s, %s)%n", past, changed.name(), changed.status().dbName(), changed.assignment().prefix());
            }
            return Cli.OK;
        }, description)
                .positional("NAME", null)
                .flag("--json", "Print the client as JSON afterwards.");
    }

    /** Clients renewed a transaction at a time, each with its one CRL. */
    static final int RENEW_BATCH = 500;

    /** {@code client renew NAME... | --expiring DAYS | --previous-ca}: new certificates, one CRL per batch. */
    private static Spec renew(Context c) {
        return Spec.command("renew", a -> {
            List<String> names = new ArrayList<>(a.rest(0));
            String expiring = a.value("--expiring");
            boolean previous = a.flag("--previous-ca");
            if (names.isEmpty() == (expiring == null && !previous) || (expiring != null && previous)) {
                throw new InvalidInputException("name the clients to renew, or give one of --expiring DAYS (certificates that "
                        + "end within DAYS) and --previous-ca (certificates of the CA a rollover replaces)");
            }
            if (previous) {
                names.addAll(CaCommands.onPrevious(c, c.ca().predecessor().orElseThrow(() ->
                        new InvalidInputException("--previous-ca: no CA rollover is under way ('v6broker ca rollover start')"))));
            } else if (expiring != null) {
                java.time.Instant before = c.clock.instant().plus(java.time.Duration.ofDays(days("--expiring", expiring)));
                for (Client x : c.broker().walk(ClientQuery.ALL)) {
                    if (x.status() != ClientStatus.REVOKED && x.notAfter().isBefore(before)) {
                        names.add(x.name());
                    }
                }
            }
            int renewed = 0;
            for (int from = 0; from < names.size(); from += RENEW_BATCH) {
                for (Client x : c.broker().renew(names.subList(from, Math.min(names.size(), from + RENEW_BATCH))).value()) {
                    if (a.flag("--json")) {
                        c.out.println(Home.toJson(ClientJson.of(x, false)).strip());
                    } else {
                        c.out.printf("renewed: %s (%s, valid until %s)%n", x.name(), x.assignment().prefix(), x.notAfter());
                    }
                    renewed++;
                }
            }
            if (!a.flag("--json")) {
                c.out.printf("%d client(s) renewed; each needs its new profile ('client export NAME')%n", renewed);
            }
            return Cli.OK;
        }, "New keys and certificates, same prefixes; the old certificates are revoked (one CRL per " + RENEW_BATCH
                + " clients, each batch all or nothing).",
                "Each renewed client must be given its new profile ('client export'; subscribers download it from their page).")
                .rest("NAME...")
                .option("--expiring", "DAYS", null, "Every client whose certificate ends within DAYS (30 or 30d), revoked ones left out.")
                .flag("--previous-ca", "Every client whose certificate the previous CA of a rollover signed.")
                .flag("--json", "Print each renewed client as a JSON line.");
    }

    private static Spec resize(Context c) {
        return Spec.command("resize", a -> {
            int size = NewClient.parseSize(a.value("--size"));
            Client changed = c.broker().resize(a.positional(0), size).value();
            if (a.flag("--json")) {
                c.out.print(Home.toJson(ClientJson.of(changed, false)));
            } else {
                c.out.printf("resized: %s (%s, transfer %s); its old prefix stays in quarantine; export its profile"
                        + " again for the new LAN address%n", changed.name(), changed.assignment().prefix(),
                        changed.assignment().transferServer());
            }
            return Cli.OK;
        }, "Give a subnet client a prefix of another size (the lowest free one); the old prefix stays in quarantine.",
                "Its session is ended; on reconnecting it gets the new transfer address from the server. Export its",
                "profile again ('client export'): the LAN address its up script sets is in the new prefix.")
                .positional("NAME", null)
                .required("--size", "64|60|56|48", "The new prefix length.")
                .flag("--json", "Print the client as JSON afterwards.");
    }

    private static Spec importer(Context c) {
        return Spec.command("import", a -> {
            Path file = Path.of(a.positional(0));
            int threads = a.integer("--threads", Runtime.getRuntime().availableProcessors(), 1, 256);
            // the database first, as for `client add`: opening it takes longest; then the CA
            c.openStoreInBackground();
            c.loadCaInBackground();
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + file, e);
            }
            Importer.Parsed parsed = Importer.parse(lines);
            // The printed time starts once the CA is loaded, as the crypto-only benchmark's clock
            // starts once its CA is made (bench/README.md): what it shows is issuing, allocating,
            // writing the database and the files, not reading the CA's files.
            c.ca();
            long start = System.nanoTime();
            Importer importer = new Importer(c.broker(), c.config().clients().importBatch(), threads);
            Progress bar = new Progress(c, parsed.rows().size());
            Importer.Result result = importer.run(parsed.rows(), bar::show);
            bar.done();
            double seconds = (System.nanoTime() - start) / 1e9;
            c.out.printf("imported %d clients in %.2f s (%.0f/s)%n", result.added(), seconds,
                    seconds > 0 ? result.added() / seconds : 0);
            Importer.Failure failure = result.failure().or(parsed::failure).orElse(null);
            if (failure != null) {
                throw new InvalidInputException(file + " line " + failure.line() + ": " + failure.message()
                        + " (the " + result.added() + " clients before it were added; nothing after it)");
            }
            return Cli.OK;
        }, "Add many clients from a CSV file: name,type[,os[,email[,size]]] per line (size: a subnet's, default 64).")
                .positional("FILE.csv", null)
                .option("--threads", "N", null, "Threads issuing certificates (default: all cores).");
    }

    /** A progress bar on a terminal; nothing otherwise. */
    private record Progress(Context context, int total) {
        void show(int done, int all) {
            if (!context.terminal || total == 0) {
                return;
            }
            int width = 30;
            int filled = (int) ((long) done * width / all);
            context.err.printf("\r[%s%s] %d/%d", "#".repeat(filled), ".".repeat(width - filled), done, all);
            context.err.flush();
        }

        void done() {
            if (context.terminal && total > 0) {
                context.err.println();
            }
        }
    }
}
