package net.v6broker.cli;

import java.util.Optional;
import net.v6broker.broker.Actor;
import net.v6broker.broker.Audit;

import net.v6broker.broker.Secrets;
import net.v6broker.config.Validation;
import net.v6broker.error.InvalidInputException;
import net.v6broker.store.AccessTx;
import net.v6broker.store.UniqueViolation;

/** {@code token create|list|revoke}: the operators' API tokens. */
final class TokenCommands {
    private TokenCommands() {
    }

    static Spec spec(Context c) {
        return Spec.group("token", "Operator API tokens (HTTP API 'Authorization: Bearer', and the web login).")
                .sub(Spec.command("create", a -> {
                    String name = Validation.name(a.positional(0));
                    String token = Secrets.generate(c.random(), Secrets.OPERATOR);
                    String hash = Secrets.hash(token);
                    try {
                        c.store().inTransaction(tx -> {
                            tx.access().insertToken(name, hash, c.clock.instant());
                            tx.appendAudit(Audit.row(Actor.commandLine(), c.clock.instant(), "token-create", null, null,
                                    "operator token '" + name + "'", Optional.empty(), Optional.empty()));
                            return null;
                        });
                    } catch (UniqueViolation e) {
                        throw new InvalidInputException("a live token named '" + name + "' exists already: revoke it first "
                                + "('v6broker token revoke " + name + "') or choose another name");
                    }
                    c.out.println("token '" + name + "' created; it is shown only now, keep it secret:");
                    c.out.println(token);
                    return Cli.OK;
                }, "Create an operator token and print it on the last line.",
                        "It is shown only now: the broker stores its SHA-256 hash.")
                        .positional("NAME", "Who or what uses it (letters, digits, '.', '_', '-')."))
                .sub(Spec.command("list", a -> {
                    c.out.printf("%-24s %-26s %-26s %s%n", "NAME", "CREATED", "LAST USED", "REVOKED");
                    for (AccessTx.TokenRow t : c.store().read(tx -> tx.access().tokens())) {
                        c.out.printf("%-24s %-26s %-26s %s%n", t.name(), t.createdAt(),
                                t.lastUsedAt() == null ? "-" : t.lastUsedAt(), t.revokedAt() == null ? "-" : t.revokedAt());
                    }
                    return Cli.OK;
                }, "List the tokens (names and dates; never the tokens)."))
                .sub(Spec.command("revoke", a -> {
                    String name = Validation.name(a.positional(0));
                    if (!c.store().inTransaction(tx -> {
                        if (!tx.access().revokeToken(name, c.clock.instant())) {
                            return false;
                        }
                        tx.appendAudit(Audit.row(Actor.commandLine(), c.clock.instant(), "token-revoke", null, null,
                                "operator token '" + name + "'", Optional.empty(), Optional.empty()));
                        return true;
                    })) {
                        throw new InvalidInputException("no live token named '" + name + "' (see 'v6broker token list')");
                    }
                    c.out.println("revoked token '" + name + "'");
                    return Cli.OK;
                }, "Revoke a token at once (API calls and new web logins with it fail).")
                        .positional("NAME", null));
    }
}
