package net.v6broker.ca;

/**
 * Generates the keys of issued certificates and makes the CA's signatures, for one CA key.
 * Implementations: {@link JdkKeyEngine} (JDK providers; quickest for the first certificates in a
 * JVM) and {@link BcP256KeyEngine} (Bouncy Castle lightweight P-256; several times faster once
 * warmed up).
 *
 * <p>Implementations must be thread-safe.
 */
interface KeyEngine {

    /** A new key pair of the CA's key type. */
    GeneratedKey generate();

    /** The CA's signature over {@code data} with the CA's signature algorithm, DER-encoded. */
    byte[] sign(byte[] data, String what);

    /** Short name for diagnostics and tests. */
    String name();
}
