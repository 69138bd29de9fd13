package net.v6broker.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import net.v6broker.broker.Client;

/** A client as {@code client show --json} prints it. Field names are a public contract. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientJson(String name, String type, String os, String email, String status, String prefix,
                  String transferServer, String transferClient, String serial, String notBefore, String notAfter,
                  String createdAt, String certificate) {

    public static ClientJson of(Client c, boolean withCertificate) {
        return new ClientJson(c.name(), c.type().cliName(), c.os().cliName(), c.email(), c.status().dbName(),
                c.assignment().prefix().toString(), c.assignment().transferServer().toString(),
                c.assignment().transferClient().toString(), c.serial(), c.notBefore().toString(),
                c.notAfter().toString(), c.createdAt().toString(), withCertificate ? c.certificatePem() : null);
    }
}
