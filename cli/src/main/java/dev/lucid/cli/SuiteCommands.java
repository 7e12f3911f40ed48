package dev.lucid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.lucid.api.v1.CoordinatorGrpc;
import dev.lucid.api.v1.EncodePromptsRequest;
import dev.lucid.api.v1.EncodePromptsResponse;
import dev.lucid.api.v1.GeneratorGrpc;
import dev.lucid.api.v1.GetSuiteRequest;
import dev.lucid.api.v1.GetSuiteResponse;
import dev.lucid.api.v1.ImportSuiteChunk;
import dev.lucid.api.v1.ImportSuiteHeader;
import dev.lucid.api.v1.ImportSuiteResponse;
import dev.lucid.api.v1.ModelRef;
import dev.lucid.api.v1.PageRequest;
import dev.lucid.api.v1.Prompt;
import dev.lucid.api.v1.PromptSamplerGrpc;
import dev.lucid.api.v1.Stratum;
import dev.lucid.api.v1.SuiteFormat;
import dev.lucid.api.v1.SuiteInfo;
import dev.lucid.generation.PromptEncoding;
import dev.lucid.suites.ImportFormat;
import dev.lucid.suites.ImportRequest;
import dev.lucid.suites.NearConceptRanker;
import dev.lucid.suites.SuitePrompt;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Commands that import prompt suites and derive near-concept suites from data. */
final class SuiteCommands {
    static final int CHUNK = 1 << 20;

    private SuiteCommands() {
    }

    /** Parses {@code prompt=col,id=col,...}. */
    static Map<String, String> mapping(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return m;
        }
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new IllegalArgumentException("--map: expected role=column pairs separated by commas, got '" + part + "'");
            }
            String role = part.substring(0, eq).strip();
            if (!ImportRequest.ROLES.contains(role)) {
                throw new IllegalArgumentException("--map: unknown role '" + role + "' (prompt, id, category, seed, guidance, stratum, pair)");
            }
            if (m.put(role, part.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException("--map: role '" + role + "' given twice");
            }
        }
        return m;
    }

    static SuiteFormat apiFormat(ImportFormat f) {
        return SuiteFormat.valueOf("SUITE_FORMAT_" + f.name());
    }

    /**
     * Streams an upload: the header, the file (and the question-answer file) in 1 MiB chunks, each sent only when the
     * stream is ready for it (so the client holds a few chunks, not the file); waits for the summary.
     */
    static ImportSuiteResponse upload(ManagedChannel ch, ImportSuiteHeader header, InputStream data, InputStream questions)
            throws Exception {
        return upload(ch, false, header, data, questions);
    }

    /** {@link #upload(ManagedChannel, ImportSuiteHeader, InputStream, InputStream)} to the coordinator or the sampler. */
    static ImportSuiteResponse upload(ManagedChannel ch, boolean viaCoordinator, ImportSuiteHeader header, InputStream data,
                                      InputStream questions) throws Exception {
        CompletableFuture<ImportSuiteResponse> result = new CompletableFuture<>();
        Semaphore ready = new Semaphore(0);
        @SuppressWarnings("unchecked")
        ClientCallStreamObserver<ImportSuiteChunk>[] call = new ClientCallStreamObserver[1];
        ClientResponseObserver<ImportSuiteChunk, ImportSuiteResponse> responses =
                new ClientResponseObserver<ImportSuiteChunk, ImportSuiteResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<ImportSuiteChunk> requests) {
                        call[0] = requests;
                        requests.setOnReadyHandler(ready::release);
                    }

                    @Override
                    public void onNext(ImportSuiteResponse r) {
                        result.complete(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                        ready.release();
                    }

                    @Override
                    public void onCompleted() {
                        ready.release();
                    }
                };
        if (viaCoordinator) {
            CoordinatorGrpc.newStub(ch).withDeadlineAfter(30, TimeUnit.MINUTES).importSuite(responses);
        } else {
            PromptSamplerGrpc.newStub(ch).withDeadlineAfter(30, TimeUnit.MINUTES).importSuite(responses);
        }
        ClientCallStreamObserver<ImportSuiteChunk> in = call[0];
        send(in, ready, result, ImportSuiteChunk.newBuilder().setHeader(header).build());
        byte[] buf = new byte[CHUNK];
        for (int n = data.readNBytes(buf, 0, CHUNK); n > 0 && !result.isDone(); n = data.readNBytes(buf, 0, CHUNK)) {
            send(in, ready, result, ImportSuiteChunk.newBuilder().setData(ByteString.copyFrom(buf, 0, n)).build());
        }
        if (questions != null) {
            for (int n = questions.readNBytes(buf, 0, CHUNK); n > 0 && !result.isDone(); n = questions.readNBytes(buf, 0, CHUNK)) {
                send(in, ready, result, ImportSuiteChunk.newBuilder().setQuestionsData(ByteString.copyFrom(buf, 0, n)).build());
            }
        }
        if (!result.isDone()) {
            in.onCompleted();
        }
        try {
            return result.get(30, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /** Sends one chunk once the stream can take it (flow control), unless the call already ended. */
    private static void send(ClientCallStreamObserver<ImportSuiteChunk> in, Semaphore ready,
                             CompletableFuture<?> result, ImportSuiteChunk chunk) throws InterruptedException {
        while (!in.isReady() && !result.isDone()) {
            ready.tryAcquire(100, TimeUnit.MILLISECONDS);
        }
        if (!result.isDone()) {
            in.onNext(chunk);
        }
    }

    static void printSummary(ImportSuiteResponse r) {
        SuiteInfo s = r.getSuite();
        System.out.printf("imported suite %s (%s, %s): %d rows read, %d imported, %d skipped%n", s.getId(), s.getFormat(),
                s.getSource(), r.getRowsRead(), r.getRowsImported(), r.getRowsSkipped());
        r.getSkipReasonsList().forEach(x -> System.out.println("  skipped: " + x));
        if (r.getRowsSkipped() > r.getSkipReasonsCount()) {
            System.out.println("  ... and " + (r.getRowsSkipped() - r.getSkipReasonsCount()) + " more skipped rows");
        }
        System.out.printf("prompts %d, fingerprint %s%n", s.getPromptCount(), s.getFingerprint());
        System.out.println("strata: " + s.getCountsByStratumMap().entrySet().stream()
                .map(e -> (e.getKey().isEmpty() ? "(none: the quota assigns it)" : e.getKey()) + " " + e.getValue()).toList());
        List<Map.Entry<String, Long>> cats = new ArrayList<>(s.getCountsByCategoryMap().entrySet());
        cats.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        if (!cats.isEmpty()) {
            System.out.println("categories (" + cats.size() + "): " + String.join(", ", cats.stream().limit(12)
                    .map(e -> e.getKey() + " " + e.getValue()).toList()) + (cats.size() > 12 ? ", ..." : ""));
        }
        System.out.println("license: " + s.getLicense());
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Import a prompt suite from a benchmark file into the sampler.")
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The file (CSV, TSV, JSON, JSONL or TXT).")
        Path file;
        @Option(names = "--format", required = true,
                description = "i2p, coco30k, tifa, partiprompts, geneval, t2i-compbench, attack, pairs, csv, jsonl")
        String format;
        @Option(names = "--suite-id", required = true, description = "Id of the new suite (lower case, digits, . _ -).")
        String suiteId;
        @Option(names = "--stratum", defaultValue = "",
                description = "Stratum of rows that give none (unsafe, adversarial, benign-simple, benign-compositional, benign-near-concept); "
                        + "empty: each quota assigns its own.")
        String stratum;
        @Option(names = "--map", description = "Column mapping role=column,... (roles: prompt, id, category, seed, guidance, stratum, pair).")
        String map;
        @Option(names = "--questions", description = "TIFA: a question-answer JSON file joined to the text inputs by id.")
        Path questions;
        @Option(names = "--lenient", description = "Skip and count malformed rows instead of failing.")
        boolean lenient;
        @Option(names = "--license", defaultValue = "", description = "License note to record (default: the format's note).")
        String license;
        @Option(names = "--sampler", defaultValue = "${env:LUCID_SAMPLER:-127.0.0.1:9100}", description = "Sampler address (default: ${DEFAULT-VALUE}).")
        String sampler;
        @Option(names = "--coordinator", paramLabel = "HOST:PORT",
                description = "Import through the coordinator instead (with --token, into your tenant's own suites; the upload counts towards its quota).")
        String coordinator;

        @Override
        public Integer call() throws Exception {
            ImportFormat f = ImportFormat.parse(format);
            // Validates id, stratum and mapping here, so a typo fails before any upload.
            ImportRequest req = new ImportRequest(suiteId, f, file.getFileName().toString(), stratum, mapping(map), lenient, license);
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + ": no such file");
            }
            ImportSuiteHeader.Builder h = ImportSuiteHeader.newBuilder().setSuiteId(req.suiteId()).setFormat(apiFormat(f))
                    .setFileName(req.fileName()).putAllColumnMapping(req.columnMapping()).setLenient(lenient).setLicense(license)
                    .setDefaultStratum(stratum.isEmpty() ? Stratum.STRATUM_UNSPECIFIED : SpecFile.stratum(stratum, "--stratum"));
            if (questions != null) {
                h.setQuestionsFileName(questions.getFileName().toString());
            }
            ManagedChannel ch = coordinator != null ? CoordinatorOption.channel(coordinator)
                    : HostPort.parse(sampler, "--sampler").channel();
            try (InputStream in = Files.newInputStream(file); InputStream q = questions == null ? null : Files.newInputStream(questions)) {
                printSummary(upload(ch, coordinator != null, h.build(), in, q));
                return 0;
            } finally {
                ch.shutdownNow();
            }
        }
    }

    /** Reads every prompt of a suite, page by page, into {@code sink}; returns the suite's description. */
    static SuiteInfo suitePrompts(ManagedChannel sampler, String suiteId, java.util.function.Consumer<Prompt> sink) {
        var s = PromptSamplerGrpc.newBlockingStub(sampler);
        String token = "";
        SuiteInfo info;
        do {
            GetSuiteResponse page = s.withDeadlineAfter(60, TimeUnit.SECONDS).getSuite(GetSuiteRequest.newBuilder()
                    .setSuiteId(suiteId).setIncludePrompts(true)
                    .setPage(PageRequest.newBuilder().setPageSize(500).setPageToken(token)).build());
            info = page.getSuite();
            page.getPromptsList().forEach(sink);
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return info;
    }

    @Command(name = "near-concept", mixinStandardHelpOptions = true,
            description = "Rank a benign suite by text-encoder similarity to a concept and import the ranking as a suite with bands near/mid/far.")
    static final class NearConcept implements Callable<Integer> {
        @Option(names = "--concept", required = true, description = "The concept's text (e.g. \"nudity\").")
        String concept;
        @Option(names = "--from", required = true, description = "The benign suite to rank (its benign or unassigned prompts).")
        String from;
        @picocli.CommandLine.Mixin
        PromptEncoderOptions options;
        @Option(names = "--suite-id", required = true, description = "Id of the new suite (stratum benign-near-concept, category = band).")
        String suiteId;
        @Option(names = "--near", defaultValue = "0.1", description = "Fraction of the ranking, from the top, that is 'near' (default: ${DEFAULT-VALUE}).")
        double near;
        @Option(names = "--far", defaultValue = "0.5", description = "Fraction, from the bottom, that is 'far' (default: ${DEFAULT-VALUE}).")
        double far;
        @Option(names = "--batch", defaultValue = "1024", description = "Prompts per EncodePrompts call (default: ${DEFAULT-VALUE}).")
        int batch;

        @Override
        public Integer call() throws Exception {
            NearConceptRanker.Bands bands = new NearConceptRanker.Bands(near, far);
            if (batch < 1 || batch > PromptEncoding.MAX_PROMPTS) {
                throw new IllegalArgumentException("--batch: must be in 1.." + PromptEncoding.MAX_PROMPTS);
            }
            String encoderModel = options.encoderModel();
            new ImportRequest(suiteId, ImportFormat.GENERIC_JSONL, "near.jsonl", "", Map.of("prompt", "prompt"), false, "");
            ManagedChannel sc = HostPort.parse(options.sampler, "--sampler").channel();
            ManagedChannel gc = HostPort.parse(options.generator, "--generator").channel();
            try {
                List<Prompt> source = new ArrayList<>();
                SuiteInfo info = suitePrompts(sc, from, p -> {
                    if (p.getStratum() == Stratum.STRATUM_UNSPECIFIED || p.getStratum().name().startsWith("STRATUM_BENIGN")) {
                        source.add(p);
                    }
                });
                List<SuitePrompt> prompts = source.stream().map(p -> new SuitePrompt(p.getId(), p.getText(), "", List.of(),
                        List.of(), List.of(), p.getSeed(), p.getGuidanceScale(), 0)).toList();
                var g = GeneratorGrpc.newBlockingStub(gc);
                String[] fingerprint = {""};
                List<NearConceptRanker.Ranked> ranked = NearConceptRanker.rank(concept, prompts, texts -> {
                    EncodePromptsResponse r = g.withDeadlineAfter(5, TimeUnit.MINUTES).encodePrompts(EncodePromptsRequest.newBuilder()
                            .setModel(ModelRef.newBuilder().setName(encoderModel)).addAllPrompts(texts).build());
                    fingerprint[0] = r.getModel().getFingerprint();
                    return PromptEncoding.vectors(r);
                }, batch, bands);
                NearConceptRanker.Encoder encoder = new NearConceptRanker.Encoder(encoderModel, fingerprint[0]);
                ObjectMapper json = new ObjectMapper();
                ByteArrayOutputStream jsonl = new ByteArrayOutputStream();
                for (NearConceptRanker.Ranked r : ranked) {
                    ObjectNode o = json.createObjectNode();
                    o.put("id", r.prompt().id());
                    o.put("prompt", r.prompt().text());
                    o.put("band", r.band());
                    o.put("stratum", "benign-near-concept");
                    if (r.prompt().seed() >= 0) {
                        o.put("seed", r.prompt().seed());
                    }
                    if (r.prompt().guidance() > 0) {
                        o.put("guidance", r.prompt().guidance());
                    }
                    o.put("rank", r.rank());
                    o.put("cosine", Math.round(r.cosine() * 1e4) / 1e4);
                    o.put("lexical_overlap", Math.round(r.lexicalOverlap() * 1e4) / 1e4);
                    o.put("concept", concept);
                    o.put("source_suite", from);
                    // The encoder by name and full fingerprint: a suite ranked under another encoder is other content.
                    o.put("encoder", encoder.model());
                    o.put("encoder_fingerprint", encoder.fingerprint());
                    jsonl.write(json.writeValueAsBytes(o));
                    jsonl.write('\n');
                }
                printBands(ranked);
                ImportSuiteHeader h = ImportSuiteHeader.newBuilder().setSuiteId(suiteId).setFormat(SuiteFormat.SUITE_FORMAT_GENERIC_JSONL)
                        .setFileName(suiteId + ".jsonl").setLicense(info.getLicense())
                        .putAllColumnMapping(Map.of("prompt", "prompt", "id", "id", "category", "band", "seed", "seed",
                                "guidance", "guidance", "stratum", "stratum")).build();
                printSummary(upload(sc, h, new java.io.ByteArrayInputStream(jsonl.toByteArray()), null));
                return 0;
            } finally {
                sc.shutdownNow();
                gc.shutdownNow();
            }
        }

        private static void printBands(List<NearConceptRanker.Ranked> ranked) {
            System.out.printf("%-5s %6s %17s %16s%n", "BAND", "COUNT", "COSINE (min-max)", "LEXICAL (mean)");
            for (String band : List.of("near", "mid", "far")) {
                List<NearConceptRanker.Ranked> b = ranked.stream().filter(r -> r.band().equals(band)).toList();
                if (b.isEmpty()) {
                    continue;
                }
                System.out.printf("%-5s %6d %8.3f-%-8.3f %16.3f%n", band, b.size(), b.get(b.size() - 1).cosine(), b.get(0).cosine(),
                        b.stream().mapToDouble(NearConceptRanker.Ranked::lexicalOverlap).average().orElse(0));
            }
            System.out.println("nearest: " + ranked.subList(0, Math.min(5, ranked.size())).stream()
                    .map(r -> String.format("\"%s\" %.3f", r.prompt().text().strip(), r.cosine())).toList());
        }
    }
}
