-- v6broker schema, version 5: the tunnel servers (nodes) of a broker, so that client profiles list
-- every endpoint. A broker with one node may leave this empty: its config's endpoint is used.
CREATE TABLE nodes (
    host        TEXT    NOT NULL,
    port        INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (host, port)
);
