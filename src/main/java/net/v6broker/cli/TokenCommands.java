package net.v6broker.cli;

import net.v6broker.error.InvalidInputException;

import java.util.List;
import net.v6broker.broker.Secrets;
import net.v6broker.config.Validation;
import net.v6broker.store.AccessTx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "token", description = "Operator API tokens (HTTP API 'Authorization: Bearer', and the web login).")
final class TokenCommands implements Runnable {
    private final Context context;

    TokenCommands(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand: create, list, revoke");
    }

    static List<Object> subcommands(Context c) {
        return List.of(new Create(c), new ListTokens(c), new Revoke(c));
    }

    @Command(name = "create", description = {"Create an operator token and print it on the last line.",
        "It is shown only now: the broker stores its SHA-256 hash."})
    static final class Create implements Runnable {
        private final Context context;
        @Parameters(index = "0", paramLabel = "NAME", description = "Who or what uses it (letters, digits, '.', '_', '-').")
        String name;

        Create(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            Validation.name(name);
            String token = Secrets.generate(context.random(), Secrets.OPERATOR);
            String hash = Secrets.hash(token);
            try {
                context.store().inTransaction(tx -> tx.access().insertToken(name, hash, context.clock.instant()));
            } catch (net.v6broker.store.UniqueViolation e) {
                throw new InvalidInputException("a live token named '" + name + "' exists already: revoke it first "
                        + "('v6broker token revoke " + name + "') or choose another name");
            }
            context.out.println("token '" + name + "' created; it is shown only now, keep it secret:");
            context.out.println(token);
        }
    }

    @Command(name = "list", description = "List the tokens (names and dates; never the tokens).")
    static final class ListTokens implements Runnable {
        private final Context context;

        ListTokens(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            context.out.printf("%-24s %-26s %-26s %s%n", "NAME", "CREATED", "LAST USED", "REVOKED");
            for (AccessTx.TokenRow t : context.store().read(tx -> tx.access().tokens())) {
                context.out.printf("%-24s %-26s %-26s %s%n", t.name(), t.createdAt(),
                        t.lastUsedAt() == null ? "-" : t.lastUsedAt(), t.revokedAt() == null ? "-" : t.revokedAt());
            }
        }
    }

    @Command(name = "revoke", description = "Revoke a token at once (API calls and new web logins with it fail).")
    static final class Revoke implements Runnable {
        private final Context context;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        Revoke(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            Validation.name(name);
            if (!context.store().inTransaction(tx -> tx.access().revokeToken(name, context.clock.instant()))) {
                throw new InvalidInputException("no live token named '" + name + "' (see 'v6broker token list')");
            }
            context.out.println("revoked token '" + name + "'");
        }
    }
}
