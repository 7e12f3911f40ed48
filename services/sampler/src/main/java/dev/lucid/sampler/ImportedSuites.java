package dev.lucid.sampler;

import dev.lucid.suites.ImportFormat;
import dev.lucid.suites.ImportLimits;
import dev.lucid.suites.ImportRequest;
import dev.lucid.suites.ImportResult;
import dev.lucid.suites.Suite;
import dev.lucid.suites.SuiteImporter;
import dev.lucid.suites.SuiteStore;
import io.grpc.Status;
import jakarta.annotation.PreDestroy;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The imported suites: read from the suites directory at start-up, added by ImportSuite and written back there
 * before the import answers, so they survive a restart. Imports run one at a time on their own thread.
 */
@ApplicationScoped
@Startup // read and checked at start-up, so a bad suite file is reported then, not at the first call
public class ImportedSuites {
    private static final Logger LOG = Logger.getLogger(ImportedSuites.class);

    private final SuiteStore store;
    private final SamplerConfig config;
    private final Map<String, Suite> suites = new ConcurrentHashMap<>();
    private final ExecutorService imports = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "suite-import");
        t.setDaemon(true);
        return t;
    });

    ImportedSuites(SamplerConfig config) {
        this.config = config;
        try {
            store = new SuiteStore(config.baseDir().resolve(config.suitesDir()), config.maxImportBytes() * 4);
            // Uploads cut off by a crash leave spool files; no call can still be writing them at start-up.
            try (var parts = Files.list(spoolDir())) {
                for (Path p : parts.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            SuiteStore.Loaded loaded = store.loadAll(config.maxSuites());
            loaded.suites().forEach(s -> suites.put(s.id(), s));
            loaded.problems().forEach(p -> LOG.errorf("suite file %s not loaded: %s", p.file(), p.reason()));
            LOG.infof("%d imported suites from %s", suites.size(), store.dir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the suites directory", e);
        }
    }

    @PreDestroy
    void close() {
        imports.shutdownNow();
    }

    /** The single import thread. */
    ExecutorService executor() {
        return imports;
    }

    /** Where incoming files are spooled (inside the suites directory, so a move stays on one disk). */
    Path spoolDir() throws IOException {
        return Files.createDirectories(store.dir().resolve(".incoming"));
    }

    /** A suite by id, or null. */
    Suite get(String id) {
        return suites.get(id);
    }

    /** Every imported suite, by id. */
    List<Suite> all() {
        return suites.values().stream().sorted(java.util.Comparator.comparing(Suite::id)).toList();
    }

    /**
     * Imports spooled files and stores the suite. Same id with the same content is accepted again (idempotent, the
     * stored file kept); with other content it is refused, so a suite id always names one content.
     */
    ImportResult importFiles(ImportRequest request, Path data, Path questions, String questionsFile) throws IOException {
        if (request.suiteId().equals(SamplerEndpoint.SUITE_ID)) {
            throw Status.ALREADY_EXISTS.withDescription("header.suite_id: '" + SamplerEndpoint.SUITE_ID + "' is the built-in suite")
                    .asRuntimeException();
        }
        if (!suites.containsKey(request.suiteId()) && suites.size() >= config.maxSuites()) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("the sampler already holds " + suites.size()
                    + " imported suites (lucid.sampler.max-suites)").asRuntimeException();
        }
        ImportResult r;
        try (InputStream in = Files.newInputStream(data);
             InputStream q = questions == null ? null : Files.newInputStream(questions)) {
            // Prompts go to a file beside the spool, so an import's heap holds only their index.
            r = new SuiteImporter(ImportLimits.DEFAULT, spoolDir()).importSuite(request, in, q, questionsFile);
        }
        Suite imported = r.suite();
        try {
            Suite old = suites.get(request.suiteId());
            if (old != null && !old.fingerprint().equals(imported.fingerprint())) {
                throw Status.ALREADY_EXISTS.withDescription("header.suite_id: suite '" + request.suiteId() + "' exists with other content "
                        + "(fingerprint " + old.fingerprint().substring(0, 12) + "…, this file " + imported.fingerprint().substring(0, 12)
                        + "…); choose another id").asRuntimeException();
            }
            Suite stored = old != null ? old : store.save(imported);
            suites.put(stored.id(), stored);
            LOG.infof("imported suite %s (%s): %d rows read, %d imported, %d skipped", stored.id(), request.format().cliName(),
                    r.rowsRead(), r.rowsImported(), r.rowsSkipped());
            return new ImportResult(stored, r.rowsRead(), r.rowsImported(), r.rowsSkipped(), r.skipReasons(), r.rowsRepaired());
        } finally {
            imported.prompts().discard();
        }
    }

    static ImportFormat format(dev.lucid.api.v1.SuiteFormat f) {
        return switch (f) {
            case SUITE_FORMAT_I2P_CSV -> ImportFormat.I2P_CSV;
            case SUITE_FORMAT_COCO30K_CSV -> ImportFormat.COCO30K_CSV;
            case SUITE_FORMAT_TIFA_JSON -> ImportFormat.TIFA_JSON;
            case SUITE_FORMAT_PARTIPROMPTS_TSV -> ImportFormat.PARTIPROMPTS_TSV;
            case SUITE_FORMAT_GENEVAL_JSONL -> ImportFormat.GENEVAL_JSONL;
            case SUITE_FORMAT_T2I_COMPBENCH_TXT -> ImportFormat.T2I_COMPBENCH_TXT;
            case SUITE_FORMAT_ATTACK_CSV -> ImportFormat.ATTACK_CSV;
            case SUITE_FORMAT_PAIRS_CSV -> ImportFormat.PAIRS_CSV;
            case SUITE_FORMAT_GENERIC_CSV -> ImportFormat.GENERIC_CSV;
            case SUITE_FORMAT_GENERIC_JSONL -> ImportFormat.GENERIC_JSONL;
            case SUITE_FORMAT_DSG_CSV -> ImportFormat.DSG_CSV;
            default -> throw new IllegalArgumentException("header.format: required");
        };
    }
}
