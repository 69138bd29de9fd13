package net.v6broker.api;

import net.v6broker.broker.Client;
import net.v6broker.openvpn.ExportRequest;

/** Renders a client's profile or archive, as {@code client export} writes it. */
@FunctionalInterface
public interface Exporter {
    byte[] render(Client client, ExportRequest request);
}
