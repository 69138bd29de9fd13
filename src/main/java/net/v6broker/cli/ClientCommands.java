package net.v6broker.cli;

import net.v6broker.error.InvalidInputException;

import net.v6broker.api.ClientJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import net.v6broker.broker.Broker;
import net.v6broker.broker.Client;
import net.v6broker.broker.Importer;
import net.v6broker.broker.NewClient;
import net.v6broker.broker.Outcome;
import net.v6broker.ca.GeneratedKey;
import net.v6broker.ca.KeyType;
import net.v6broker.config.Home;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "client", description = "Add, list, show, revoke, suspend, resume, renew, delete and import clients.")
final class ClientCommands implements Runnable {
    private final Context context;

    ClientCommands(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this),
                "missing subcommand: add, list, show, revoke, suspend, resume, renew, delete, import");
    }

    static List<Object> subcommands(Context c) {
        List<Object> subs = new ArrayList<>();
        subs.add(new Add(c));
        subs.add(new ListClients(c));
        subs.add(new Show(c));
        subs.add(new Change(c, "revoke", "Revoke the certificate for good (CRL re-issued); the prefix stays reserved.", Broker::revoke));
        subs.add(new Change(c, "suspend", "Refuse the client at connect until resumed; the certificate stays valid.", Broker::suspend));
        subs.add(new Change(c, "resume", "Let a suspended client connect again.", Broker::resume));
        subs.add(new Change(c, "renew", "New key and certificate, same prefix; the old certificate is revoked.", Broker::renew));
        subs.add(new Change(c, "delete", "Revoke, remove from listings, and quarantine the prefix before reuse.", Broker::delete));
        subs.add(new Import(c));
        subs.add(new ExportCommand(c));
        return subs;
    }

    static void print(Context context, Client c, boolean json) {
        if (json) {
            context.out.print(Home.toJson(ClientJson.of(c, true)));
            return;
        }
        // appended, not printf'd: a cold Formatter costs a millisecond of every `client add`
        String nl = System.lineSeparator();
        StringBuilder s = new StringBuilder(512);
        s.append("name             ").append(c.name()).append(nl);
        s.append("type             ").append(c.type().cliName()).append(nl);
        s.append("os               ").append(c.os().cliName()).append(nl);
        if (c.email() != null) {
            s.append("email            ").append(c.email()).append(nl);
        }
        s.append("status           ").append(c.status().dbName()).append(nl);
        s.append("prefix           ").append(c.assignment().prefix()).append(nl);
        s.append("transfer server  ").append(c.assignment().transferServer()).append(nl);
        s.append("transfer client  ").append(c.assignment().transferClient()).append(nl);
        s.append("serial           ").append(c.serial()).append(nl);
        s.append("valid until      ").append(c.notAfter()).append(nl);
        s.append("created          ").append(c.createdAt()).append(nl);
        context.out.print(s);
    }

    @Command(name = "add", description = "Add a client: allocate its address or prefix, issue its key and certificate.")
    static final class Add implements Runnable {
        private final Context context;
        @Parameters(index = "0", paramLabel = "NAME", description = "Letters, digits, '.', '_', '-'; 1..64; no leading '.' or '-'.")
        String name;
        @Option(names = "--type", required = true, paramLabel = "hermit|subnet", description = "hermit: one /128; subnet: a routed /64.")
        String type;
        @Option(names = "--os", defaultValue = "linux", paramLabel = "linux|windows|macos")
        String os;
        @Option(names = "--email", paramLabel = "E")
        String email;
        @Option(names = "--json", description = "Print the client as JSON.")
        boolean json;

        Add(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            // the two longest first, each on its own thread: opening the database (which reads the
            // configuration on its way) and loading the CA (docs/decisions.md, 18)
            context.openStoreInBackground();
            context.loadCaInBackground();
            NewClient request = NewClient.parse(name, type, os, email);
            // the client's key needs no CA: made here, while the CA and the database load
            GeneratedKey key = GeneratedKey.generate(KeyType.parse(context.config().ca().keyType()), context.random());
            print(context, context.broker().add(request, key).value(), json);
        }
    }

    @Command(name = "list", description = "List the clients (deleted ones are not shown).")
    static final class ListClients implements Runnable {
        private final Context context;
        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        ListClients(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            List<Client> clients = context.broker().list();
            if (json) {
                context.out.print(Home.toJson(clients.stream().map(c -> ClientJson.of(c, false)).toList()));
                return;
            }
            context.out.printf("%-24s %-7s %-9s %-8s %s%n", "NAME", "TYPE", "STATUS", "OS", "PREFIX");
            for (Client c : clients) {
                context.out.printf("%-24s %-7s %-9s %-8s %s%n", c.name(), c.type().cliName(), c.status().dbName(),
                        c.os().cliName(), c.assignment().prefix());
            }
        }
    }

    @Command(name = "show", description = "Show one client.")
    static final class Show implements Runnable {
        private final Context context;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--json", description = "Print JSON, with the certificate PEM.")
        boolean json;

        Show(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            print(context, context.broker().show(name), json);
        }
    }

    /** One of the state changes; they differ only in the broker operation. */
    @Command(description = "")
    static final class Change implements Runnable {
        private final Context context;
        private final BiFunction<Broker, String, Outcome<Client>> action;
        private final String verb;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--json", description = "Print the client as JSON afterwards.")
        boolean json;

        Change(Context context, String verb, String description, BiFunction<Broker, String, Outcome<Client>> action) {
            this.context = context;
            this.verb = verb;
            this.action = action;
            this.description = description;
        }

        private final String description;

        @Override
        public void run() {
            Outcome<Client> o = action.apply(context.broker(), name);
            if (json) {
                context.out.print(Home.toJson(ClientJson.of(o.value(), false)));
            } else {
                context.out.printf("%s: %s (%s, %s)%n", verbPast(), o.value().name(), o.value().status().dbName(),
                        o.value().assignment().prefix());
            }
        }

        String verb() {
            return verb;
        }

        String description() {
            return description;
        }

        private String verbPast() {
            return switch (verb) {
                case "revoke" -> "revoked";
                case "suspend" -> "suspended";
                case "resume" -> "resumed";
                case "renew" -> "renewed";
                default -> "deleted";
            };
        }
    }

    @Command(name = "import", description = "Add many clients from a CSV file: name,type[,os[,email]] per line.")
    static final class Import implements Runnable {
        private final Context context;
        @Parameters(index = "0", paramLabel = "FILE.csv")
        Path file;
        @Option(names = "--threads", paramLabel = "N", description = "Threads issuing certificates (default: all cores).")
        int threads = Runtime.getRuntime().availableProcessors();

        Import(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            // the database first, as for `client add`: opening it takes longest; then the CA
            context.openStoreInBackground();
            context.loadCaInBackground();
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
            context.ca();
            long start = System.nanoTime();
            Importer importer = new Importer(context.broker(), context.config().clients().importBatch(), Math.max(1, threads));
            Progress bar = new Progress(context, parsed.rows().size());
            Importer.Result result = importer.run(parsed.rows(), bar::show);
            bar.done();
            double seconds = (System.nanoTime() - start) / 1e9;
            context.out.printf("imported %d clients in %.2f s (%.0f/s)%n", result.added(), seconds,
                    seconds > 0 ? result.added() / seconds : 0);
            Importer.Failure failure = result.failure().or(parsed::failure).orElse(null);
            if (failure != null) {
                throw new InvalidInputException(file + " line " + failure.line() + ": " + failure.message()
                        + " (the " + result.added() + " clients before it were added; nothing after it)");
            }
        }
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
