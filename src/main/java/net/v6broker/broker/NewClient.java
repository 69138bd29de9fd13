package net.v6broker.broker;

import java.util.Objects;
import net.v6broker.config.Validation;
import net.v6broker.ipam.Pool;
import net.v6broker.store.ClientOs;

/** A validated request for a new client. The compact constructor is the whitelist. */
public record NewClient(String name, Pool type, ClientOs os, String email) {
    public NewClient {
        Validation.name(name);
        Objects.requireNonNull(type, "type");
        os = os == null ? ClientOs.LINUX : os;
        email = Validation.email(email);
    }

    /** From text as typed, each field checked against its whitelist. */
    public static NewClient parse(String name, String type, String os, String email) {
        return new NewClient(Validation.name(name), Pool.parse(type),
                os == null || os.isBlank() ? ClientOs.LINUX : ClientOs.parse(os), email);
    }
}
