package net.v6broker.openvpn.management;

import java.time.Instant;
import java.util.Objects;

/**
 * One connected client as {@code status 3} lists it.
 *
 * @param clientId     the CID that {@code client-kill} takes
 * @param commonName   the certificate's CN (our client name)
 * @param realAddress  where the client connects from, {@code ADDR:PORT} as OpenVPN prints it
 * @param virtualIpv6  the client's tunnel address, empty if none
 */
public record Session(long clientId, String commonName, String realAddress, String virtualIpv4, String virtualIpv6,
                      long bytesReceived, long bytesSent, Instant connectedSince) {
    public Session {
        Objects.requireNonNull(commonName, "commonName");
        Objects.requireNonNull(realAddress, "realAddress");
        virtualIpv4 = virtualIpv4 == null ? "" : virtualIpv4;
        virtualIpv6 = virtualIpv6 == null ? "" : virtualIpv6;
        if (clientId < 0 || bytesReceived < 0 || bytesSent < 0) {
            throw new IllegalArgumentException("negative counter in session of " + commonName);
        }
    }
}
