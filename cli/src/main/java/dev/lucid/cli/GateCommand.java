package dev.lucid.cli;

import dev.lucid.api.v1.CoordinatorGrpc;
import dev.lucid.api.v1.EvaluatedModel;
import dev.lucid.api.v1.EvaluationSpec;
import dev.lucid.api.v1.EvaluationState;
import dev.lucid.api.v1.GetReportRequest;
import dev.lucid.api.v1.Progress;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ReportFormat;
import dev.lucid.api.v1.SubmitRequest;
import dev.lucid.api.v1.SubmitResponse;
import dev.lucid.api.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code lucid gate SPEC --budget BUDGET.yaml}: runs (or resumes: the same spec is the same evaluation) an
 * evaluation and checks every candidate against the budget. Exit 0 when all stay within it, 1 when one does not,
 * 2 on an error (bad budget or spec, an evaluation that failed or was cancelled, a coordinator that cannot be reached).
 */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = {"Release gate: run (or resume) an evaluation and check each candidate against a budget.",
                "Exit 0: every candidate within budget; 1: one is not; 2: error."})
final class GateCommand implements Callable<Integer> {
    /** Exit code of a gate that could not decide. */
    static final int ERROR = 2;

    @Parameters(paramLabel = "SPEC", description = "Evaluation spec file (YAML).")
    Path spec;
    @Option(names = "--budget", required = true, paramLabel = "BUDGET.yaml", description = "Release budget (see examples/budgets/).")
    Path budget;
    @Option(names = "--junit", paramLabel = "FILE", description = "Also write the checks as JUnit XML.")
    Path junit;
    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write a Markdown summary.")
    Path markdown;
    @Mixin
    CoordinatorOption coordinator = new CoordinatorOption();

    @Override
    public Integer call() {
        try {
            ReleaseBudget b = readBudget();
            EvaluationSpec s = SpecFile.read(spec);
            List<String> labels = s.getModelsList().stream().map(EvaluatedModel::getLabel).toList();
            for (String label : b.models().keySet()) {
                if (!label.equals(ReleaseBudget.ALL) && !labels.contains(label)) {
                    throw new IllegalArgumentException(budget + ": models." + label + ": the spec has no model labelled '"
                            + label + "' (labels: " + String.join(", ", labels) + ")");
                }
            }
            Report report = run(s);
            List<BudgetCheck> checks = BudgetEvaluation.evaluate(report, b);
            System.out.println(String.format(BudgetCheck.COLUMNS, "MODEL", "CHECK", "VALUE", "95% CI", "LIMIT", "RESULT"));
            checks.forEach(c -> System.out.println(c.line()));
            long failed = GateReports.count(checks, BudgetCheck.Outcome.FAIL);
            System.out.printf("gate %s: %s (%d checks, %d failed, %d skipped)%n", report.getEvaluationId(), failed == 0 ? "PASS" : "FAIL",
                    checks.size(), failed, GateReports.count(checks, BudgetCheck.Outcome.SKIP));
            if (junit != null) {
                Files.writeString(junit, GateReports.junit(report.getEvaluationId(), checks), StandardCharsets.UTF_8);
            }
            if (markdown != null) {
                Files.writeString(markdown, GateReports.markdown(report.getEvaluationId(), checks), StandardCharsets.UTF_8);
            }
            return failed == 0 ? 0 : 1;
        } catch (StatusRuntimeException e) {
            System.err.println("lucid gate: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            System.err.println("lucid gate: " + e.getMessage());
        }
        return ERROR;
    }

    private ReleaseBudget readBudget() throws IOException {
        try {
            return ReleaseBudget.read(budget);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(budget + ": " + e.getMessage(), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(budget + ": not YAML: " + e.getOriginalMessage(), e);
        }
    }

    /** Submits (or resumes) the evaluation, waits for its end and returns its report. */
    private Report run(EvaluationSpec s) {
        ManagedChannel ch = coordinator.channel();
        try {
            var c = CoordinatorGrpc.newBlockingStub(ch);
            SubmitResponse r = c.withDeadlineAfter(10, TimeUnit.MINUTES).submit(SubmitRequest.newBuilder().setSpec(s).build());
            String id = r.getEvaluationId();
            System.err.println("lucid gate: evaluation " + id + (r.getResumed() ? " (resumed)" : ""));
            Progress last = null;
            Iterator<Progress> it = c.watch(WatchRequest.newBuilder().setEvaluationId(id).build());
            long said = 0;
            while (it.hasNext()) {
                last = it.next();
                // A line every 30 s on stderr, so a CI log shows the gate is working; stdout carries only the checks.
                if (System.currentTimeMillis() - said >= 30_000 && last.getStagesCount() > 0) {
                    System.err.println("lucid gate: " + last.getStages(0).getDone() + "/" + last.getStages(0).getTotal()
                            + " images, " + EvaluationCommands.stateName(last.getState()));
                    said = System.currentTimeMillis();
                }
            }
            if (last == null || last.getState() != EvaluationState.EVALUATION_STATE_SUCCEEDED) {
                throw new IllegalStateException("evaluation " + id + " ended " + (last == null ? "without progress"
                        : EvaluationCommands.stateName(last.getState()) + (last.getMessage().isEmpty() ? "" : ": " + last.getMessage())));
            }
            return c.withDeadlineAfter(10, TimeUnit.MINUTES).getReport(GetReportRequest.newBuilder().setEvaluationId(id)
                    .setFormat(ReportFormat.REPORT_FORMAT_JSON).build());
        } finally {
            ch.shutdownNow();
        }
    }
}
