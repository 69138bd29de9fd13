package net.v6broker.config;

/** Every default value of the configuration, in one place. */
public final class Defaults {
    public static final int PORT = 1194;
    public static final String KEY_TYPE = "ec";
    public static final String CA_NAME = "v6broker-CA";
    public static final int CA_DAYS = 3650;
    public static final int CERT_DAYS = 825;
    public static final int CRL_DAYS = 30;
    public static final int QUARANTINE_DAYS = 30;
    public static final int IMPORT_BATCH = 250;

    private Defaults() {
    }
}
