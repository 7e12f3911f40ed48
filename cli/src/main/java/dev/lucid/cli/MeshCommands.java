package dev.lucid.cli;

import dev.lucid.api.v1.CoordinatorGrpc;
import dev.lucid.api.v1.GeneratorGrpc;
import dev.lucid.api.v1.GetReportRequest;
import dev.lucid.api.v1.ListModelsRequest;
import dev.lucid.api.v1.ListSuitesRequest;
import dev.lucid.api.v1.ModelInfo;
import dev.lucid.api.v1.Progress;
import dev.lucid.api.v1.PromptSamplerGrpc;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ReportFormat;
import dev.lucid.api.v1.StageProgress;
import dev.lucid.api.v1.SubmitRequest;
import dev.lucid.api.v1.SubmitResponse;
import dev.lucid.api.v1.SuiteInfo;
import dev.lucid.api.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** The commands that talk to Lucid's services. */
final class MeshCommands {
    private MeshCommands() {
    }

    static String bar(long done, long total, int width) {
        int filled = total <= 0 ? 0 : (int) Math.round(width * (double) done / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    /** Prints progress updates until the evaluation ends; returns its final update. */
    static Progress watch(CoordinatorGrpc.CoordinatorBlockingStub c, String id) {
        Progress last = null;
        Iterator<Progress> it = c.watch(WatchRequest.newBuilder().setEvaluationId(id).build());
        boolean tty = System.console() != null;
        int lastWidth = 0;
        while (it.hasNext()) {
            last = it.next();
            StageProgress g = last.getStages(0);
            String line = String.format("%s %d/%d images, %d from cache, %s%s%s%s", bar(g.getDone(), g.getTotal(), 30),
                    g.getDone(), g.getTotal(), g.getCacheHits(),
                    g.getFailed() > 0 ? g.getFailed() + " given up on (see the report), " : "",
                    EvaluationCommands.stateName(last.getState()),
                    last.getEtaSeconds() >= 0 ? String.format(", ETA %.0f s", last.getEtaSeconds()) : "",
                    last.getMessage().isEmpty() ? "" : " - " + last.getMessage());
            // On a terminal the line is redrawn in place, padded so a shorter line leaves no trace of a longer one.
            System.out.print(tty ? "\r" + String.format("%-" + Math.max(line.length(), lastWidth) + "s", line) : line + "\n");
            lastWidth = line.length();
        }
        if (tty) {
            System.out.println();
        }
        return last;
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit an evaluation spec (YAML); prints its id.")
    static final class Submit implements Callable<Integer> {
        @Parameters(paramLabel = "SPEC", description = "Evaluation spec file (YAML).")
        Path spec;
        @Mixin
        CoordinatorOption coordinator = new CoordinatorOption();
        @Option(names = "--watch", description = "Follow progress until the evaluation ends.")
        boolean watch;

        @Override
        public Integer call() throws Exception {
            ManagedChannel ch = coordinator.channel();
            try {
                var c = CoordinatorGrpc.newBlockingStub(ch);
                SubmitResponse r = c.withDeadlineAfter(10, TimeUnit.MINUTES)
                        .submit(SubmitRequest.newBuilder().setSpec(SpecFile.read(spec)).build());
                System.out.println(r.getEvaluationId() + (r.getResumed() ? " (already submitted: resuming)"
                        : r.getRestarted() ? " (it had been cancelled, had failed or had given up on items: started again; finished"
                        + " items come from the cache)" : ""));
                if (watch) {
                    Progress p = watch(c, r.getEvaluationId());
                    return p != null && p.getState().name().endsWith("SUCCEEDED") ? 0 : 1;
                }
                return 0;
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true, description = "Follow an evaluation's progress.")
    static final class Watch implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;
        @Mixin
        CoordinatorOption coordinator = new CoordinatorOption();

        @Override
        public Integer call() {
            ManagedChannel ch = coordinator.channel();
            try {
                Progress p = watch(CoordinatorGrpc.newBlockingStub(ch), id);
                return p != null && p.getState().name().endsWith("SUCCEEDED") ? 0 : 1;
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Print an evaluation's report.")
    static final class ReportCommand implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--format", defaultValue = "md", description = "md or json (default: ${DEFAULT-VALUE}).")
        String format;
        @Mixin
        CoordinatorOption coordinator = new CoordinatorOption();

        @Override
        public Integer call() {
            ReportFormat f = switch (format) {
                case "md", "markdown" -> ReportFormat.REPORT_FORMAT_MARKDOWN;
                case "json" -> ReportFormat.REPORT_FORMAT_JSON;
                case "html" -> ReportFormat.REPORT_FORMAT_HTML;
                default -> throw new IllegalArgumentException("--format must be md, json or html, got '" + format + "'");
            };
            ManagedChannel ch = coordinator.channel();
            try {
                // The first request of a report assembles it (statistics over every item): minutes on large evaluations.
                Report r = CoordinatorGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.MINUTES)
                        .getReport(GetReportRequest.newBuilder().setEvaluationId(id).setFormat(f).build());
                System.out.println(f == ReportFormat.REPORT_FORMAT_JSON ? r.getJson() : r.getRendered());
                return 0;
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Command(name = "suites", mixinStandardHelpOptions = true, description = "List the sampler's prompt suites.")
    static final class Suites implements Callable<Integer> {
        @Option(names = "--sampler", defaultValue = "${env:LUCID_SAMPLER:-127.0.0.1:9100}")
        String sampler;
        @Option(names = "--coordinator", paramLabel = "HOST:PORT",
                description = "Ask the coordinator instead: the suites you can sample (with --token, the shared ones and your tenant's own).")
        String coordinator;

        @Override
        public Integer call() {
            ManagedChannel ch = coordinator != null ? CoordinatorOption.channel(coordinator)
                    : HostPort.parse(sampler, "--sampler").channel();
            try {
                System.out.printf("%-20s %-14s %-13s %8s %8s  %-12s  %s%n", "SUITE", "SOURCE", "FORMAT", "PROMPTS", "SKIPPED",
                        "FINGERPRINT", "STRATA");
                List<SuiteInfo> suites = coordinator != null
                        ? dev.lucid.api.v1.CoordinatorGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList()
                        : PromptSamplerGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList();
                for (SuiteInfo s : suites) {
                    System.out.printf("%-20s %-14s %-13s %8d %8d  %-12s  %s%n", s.getId(), s.getSource(), s.getFormat(),
                            s.getPromptCount(), s.getRowsSkipped(), s.getFingerprint().substring(0, Math.min(12, s.getFingerprint().length())),
                            s.getCountsByStratumMap().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                                    .map(e -> (e.getKey().isEmpty() ? "(assigned by quota)" : e.getKey()) + "=" + e.getValue()).toList());
                }
                return 0;
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Command(name = "models", mixinStandardHelpOptions = true, subcommands = ModelsAddCommand.class,
            description = {"List the generator's text-to-image models.", "models add: import a Stable Diffusion ONNX export."})
    static final class Models implements Callable<Integer> {
        @Option(names = "--generator", defaultValue = "127.0.0.1:9101")
        String generator;

        @Override
        public Integer call() {
            ManagedChannel ch = HostPort.parse(generator, "--generator").channel();
            try {
                System.out.printf("%-12s %-11s %-18s %-14s %s%n", "MODEL", "SHAPE", "TEXT ENCODER", "DENOISER", "DESCRIPTION");
                for (ModelInfo m : GeneratorGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .listModels(ListModelsRequest.getDefaultInstance()).getModelsList()) {
                    System.out.printf("%-12s %-11s %-18s %-14s %s%n", m.getModel().getName(),
                            m.getShape().name().replace("MODEL_SHAPE_", "").toLowerCase(), m.getTextEncoder(), m.getDenoiser(),
                            m.getDescription());
                }
                return 0;
            } catch (StatusRuntimeException e) {
                System.err.println("lucid: " + e.getStatus());
                return 1;
            } finally {
                ch.shutdownNow();
            }
        }
    }
}
