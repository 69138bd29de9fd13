package net.v6broker.broker;

import net.v6broker.error.InvalidInputException;

import java.util.Objects;
import net.v6broker.config.Validation;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Region;

/**
 * A validated request for a new client. The compact constructor is the whitelist.
 *
 * @param size           the prefix length: 128 for a hermit; 64 (the default), 60, 56 or 48 for a
 *                       subnet, which the plan must offer (a region of that size)
 * @param idempotencyKey the caller's key for this very request (HTTP {@code Idempotency-Key}): a
 *                       retry with the same key gets the client the first attempt made instead of
 *                       a conflict; null for none
 */
public record NewClient(String name, ClientKind type, int size, ClientOs os, String email, String idempotencyKey) {
    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{8,64}");

    public NewClient {
        checkName(name);
        checkSize(Objects.requireNonNull(type, "type"), size);
        os = os == null ? ClientOs.LINUX : os;
        checkOs(type, os);
        email = Validation.email(email);
        if (idempotencyKey != null && !KEY.matcher(idempotencyKey).matches()) {
            throw new InvalidInputException("invalid Idempotency-Key " + Validation.quote(idempotencyKey)
                    + ": accepted 8..64 letters, digits, '_' and '-' (a UUID, say)");
        }
    }

    /** OpenVPN's common name for a client whose TLS handshake has not named it yet. */
    public static final String HANDSHAKE_NAME = "UNDEF";

    /**
     * Checks a new client's name: the whitelist, and not {@link #HANDSHAKE_NAME} in any case, which
     * OpenVPN lists for every connect still in its handshake (a client of that name could not be
     * told from them).
     */
    public static void checkName(String name) {
        Validation.name(name);
        if (name.equalsIgnoreCase(HANDSHAKE_NAME)) {
            throw new InvalidInputException("the name " + Validation.quote(name) + " is OpenVPN's for a client still in its "
                    + "handshake; choose another");
        }
    }

    /** Refuses a router's os for a hermit: a router hands a prefix to a LAN, and a hermit has one address. */
    public static void checkOs(ClientKind type, ClientOs os) {
        if (type == ClientKind.HERMIT && os.router()) {
            throw new InvalidInputException("os " + os.cliName() + " is a router's, for a subnet client (a router hands its "
                    + "prefix to a LAN; a hermit has one address): accepted for a hermit linux, windows, macos");
        }
    }

    /** Refuses a size a client of this kind cannot have anywhere: a hermit has a /128, a subnet one of {@link Region#SIZES}. */
    public static void checkSize(ClientKind type, int size) {
        if (type == ClientKind.HERMIT && size != 128) {
            throw new InvalidInputException("a hermit has one address (/128); a size is only for a subnet");
        }
        if (type == ClientKind.SUBNET && !Region.SIZES.contains(size)) {
            throw new InvalidInputException("size " + size + " is not offered: accepted 64, 60, 56 or 48 (a subnet's prefix length)");
        }
    }

    /** A hermit, or a subnet of the default size (/64). */
    public NewClient(String name, ClientKind type, ClientOs os, String email) {
        this(name, type, defaultSize(type), os, email, null);
    }

    /** The prefix length a client of this kind gets unless told: 128 for a hermit, 64 for a subnet. */
    public static int defaultSize(ClientKind type) {
        return type == ClientKind.HERMIT ? 128 : 64;
    }

    /** The same request under an idempotency key. */
    public NewClient withIdempotencyKey(String key) {
        return new NewClient(name, type, size, os, email, key);
    }

    /** The same request for a prefix of another length. */
    public NewClient withSize(int newSize) {
        return new NewClient(name, type, newSize, os, email, idempotencyKey);
    }

    /** The pool its index comes from. */
    public String pool() {
        return AddressPlan.pool(type, size);
    }

    /** Whether {@code c} is what this request asks for (for a retried request). */
    boolean describes(Client c) {
        return c.name().equalsIgnoreCase(name) && c.type() == type && c.assignment().prefix().length() == size && c.os() == os
                && Objects.equals(c.email(), email);
    }

    /** A size as typed: "56" or "/56". */
    public static int parseSize(String text) {
        String t = text.trim();
        if (!t.matches("/?[0-9]{1,3}")) {
            throw new InvalidInputException("size " + Validation.quote(text) + ": accepted 64, 60, 56 or 48 (a subnet's prefix length)");
        }
        return Integer.parseInt(t.startsWith("/") ? t.substring(1) : t);
    }

    /** From text as typed, each field checked against its whitelist. */
    public static NewClient parse(String name, String type, String os, String email) {
        return new NewClient(Validation.name(name), ClientKind.parse(type),
                os == null || os.isBlank() ? ClientOs.LINUX : ClientOs.parse(os), email);
    }
}
