package net.v6broker.broker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.v6broker.ca.IssuedCertificate;

/**
 * Bulk provisioning from CSV rows ({@code name,type,os,email}). Key generation and signing run on
 * all cores, one batch ahead of the database, which takes each batch in one transaction; a crash
 * loses at most the batch in flight and never leaves a half-made client.
 *
 * <p>Not thread-safe: one import at a time per instance.
 */
public final class Importer {
    private final Broker broker;
    private final int batchSize;
    private final int threads;

    public Importer(Broker broker, int batchSize, int threads) {
        this.broker = broker;
        this.batchSize = batchSize;
        this.threads = threads;
    }

    /** One valid input row and the line it came from (1-based). */
    public record Row(int line, NewClient client) {
    }

    /** The first line that could not be added, and why. */
    public record Failure(int line, String message) {
    }

    /** The valid rows up to the first bad one, and that bad one if any. */
    public record Parsed(List<Row> rows, Optional<Failure> failure) {
    }

    /** How many were added, and where it stopped if it did. */
    public record Result(int added, Optional<Failure> failure) {
    }

    /** Receives progress after each committed batch. */
    @FunctionalInterface
    public interface Progress {
        void committed(int done, int total);
    }

    /**
     * Parses CSV text. Blank lines and {@code #} comments are skipped, as is a first line that names
     * the columns. Fields may not be quoted (no valid value contains a comma or a quote). Parsing stops
     * at the first bad line: the rows before it are returned for import.
     */
    public static Parsed parse(List<String> lines) {
        List<Row> rows = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            int line = i + 1;
            String text = lines.get(i).strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            if (first && text.toLowerCase(Locale.ROOT).replace(" ", "").startsWith("name,type")) {
                first = false;
                continue;
            }
            first = false;
            String[] f = text.split(",", -1);
            if (f.length < 2 || f.length > 4) {
                return new Parsed(rows, Optional.of(new Failure(line, "expected 2 to 4 fields name,type[,os[,email]], found "
                        + f.length)));
            }
            try {
                NewClient c = NewClient.parse(f[0].strip(), f[1].strip(), f.length > 2 ? f[2].strip() : null,
                        f.length > 3 ? f[3].strip() : null);
                if (!seen.add(c.name().toLowerCase(Locale.ROOT))) {
                    return new Parsed(rows, Optional.of(new Failure(line, "name '" + c.name() + "' appears twice in the file")));
                }
                rows.add(new Row(line, c));
            } catch (IllegalArgumentException e) {
                return new Parsed(rows, Optional.of(new Failure(line, e.getMessage())));
            }
        }
        return new Parsed(rows, Optional.empty());
    }

    /** Adds the rows in batches; stops at the first row the database refuses (a duplicate name). */
    public Result run(List<Row> rows, Progress progress) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "issue");
            t.setDaemon(true);
            return t;
        });
        try {
            List<List<Row>> batches = new ArrayList<>();
            for (int i = 0; i < rows.size(); i += batchSize) {
                batches.add(rows.subList(i, Math.min(rows.size(), i + batchSize)));
            }
            int added = 0;
            List<Future<IssuedCertificate>> next = batches.isEmpty() ? List.of() : submit(pool, batches.get(0));
            for (int b = 0; b < batches.size(); b++) {
                List<Future<IssuedCertificate>> current = next;
                next = b + 1 < batches.size() ? submit(pool, batches.get(b + 1)) : List.of();
                List<Row> batch = batches.get(b);
                List<NewClient> requests = new ArrayList<>(batch.size());
                List<IssuedCertificate> certs = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    requests.add(batch.get(i).client());
                    certs.add(await(current.get(i)));
                }
                Broker.BatchResult result = broker.addBatch(requests, certs);
                added += result.added().size();
                progress.committed(added, rows.size());
                if (result.failure().isPresent()) {
                    Broker.BatchFailure f = result.failure().get();
                    return new Result(added, Optional.of(new Failure(batch.get(f.index()).line(), f.message())));
                }
            }
            return new Result(added, Optional.empty());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Future<IssuedCertificate>> submit(ExecutorService pool, List<Row> batch) {
        List<Future<IssuedCertificate>> out = new ArrayList<>(batch.size());
        for (Row r : batch) {
            out.add(pool.submit(() -> broker.issue(r.client().name())));
        }
        return out;
    }

    private static IssuedCertificate await(Future<IssuedCertificate> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("import interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("issuing a certificate failed", e.getCause());
        }
    }
}
