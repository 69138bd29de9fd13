package net.v6broker.broker;

import net.v6broker.error.InvalidInputException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Bulk provisioning from CSV rows ({@code name,type,os,email,size}). Key generation, signing and PEM
 * encoding run on all cores, up to {@value #BATCHES_AHEAD} batches ahead of the database, which
 * takes each batch in one transaction; a crash loses at most the batch in flight and never leaves a
 * half-made client. Running more than one batch ahead keeps the issuing threads busy while the
 * database is slower than they are (its first batch, on a cold JVM, is); the bound keeps the
 * certificates held in memory to a few batches however long the file.
 *
 * <p>Not thread-safe: one import at a time per instance.
 */
public final class Importer {
    /** How many batches the issuing threads may run ahead of the one being written. */
    static final int BATCHES_AHEAD = 2;

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
            if (f.length < 2 || f.length > 5) {
                return new Parsed(rows, Optional.of(new Failure(line, "expected 2 to 5 fields name,type[,os[,email[,size]]], found "
                        + f.length)));
            }
            try {
                NewClient c = NewClient.parse(f[0].strip(), f[1].strip(), f.length > 2 ? f[2].strip() : null,
                        f.length > 3 ? f[3].strip() : null);
                if (f.length > 4 && !f[4].isBlank()) {
                    c = c.withSize(NewClient.parseSize(f[4]));
                }
                if (!seen.add(c.name().toLowerCase(Locale.ROOT))) {
                    return new Parsed(rows, Optional.of(new Failure(line, "name '" + c.name() + "' appears twice in the file")));
                }
                rows.add(new Row(line, c));
            } catch (InvalidInputException e) {
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
            Deque<Future<Credentials>> issuing = new ArrayDeque<>();
            int submitted = 0;
            int added = 0;
            for (int start = 0; start < rows.size(); start += batchSize) {
                List<Row> batch = rows.subList(start, Math.min(rows.size(), start + batchSize));
                for (int ahead = Math.min(rows.size(), start + (1 + BATCHES_AHEAD) * batchSize); submitted < ahead; submitted++) {
                    String name = rows.get(submitted).client().name();
                    issuing.add(pool.submit(() -> broker.issue(name)));
                }
                List<NewClient> requests = new ArrayList<>(batch.size());
                List<Credentials> certs = new ArrayList<>(batch.size());
                for (Row row : batch) {
                    requests.add(row.client());
                    certs.add(await(issuing.remove()));
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

    private static Credentials await(Future<Credentials> f) {
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
