package dev.lucid.cli;

import dev.lucid.api.v1.CancelRequest;
import dev.lucid.api.v1.CancelResponse;
import dev.lucid.api.v1.CoordinatorGrpc;
import dev.lucid.api.v1.EvaluationState;
import dev.lucid.api.v1.EvaluationSummary;
import dev.lucid.api.v1.ListRequest;
import dev.lucid.api.v1.ListResponse;
import dev.lucid.api.v1.PageRequest;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Commands that manage evaluations on the coordinator: cancel and list. */
final class EvaluationCommands {
    private EvaluationCommands() {
    }

    /** An evaluation state as users read it: {@code running}, {@code succeeded}, ... */
    static String stateName(EvaluationState s) {
        return s.name().replace("EVALUATION_STATE_", "").toLowerCase();
    }

    /** A duration in its two largest units: {@code 45s}, {@code 3m12s}, {@code 2h05m}, {@code 3d04h}. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format("%dd%02dh", s / 86400, s % 86400 / 3600);
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a running evaluation (finished work stays cached; submitting its spec again restarts it).")
    static final class Cancel implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;
        @Mixin
        CoordinatorOption coordinator = new CoordinatorOption();

        @Override
        public Integer call() {
            ManagedChannel ch = coordinator.channel();
            try {
                CancelResponse r = CoordinatorGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .cancel(CancelRequest.newBuilder().setEvaluationId(id).build());
                String state = stateName(r.getState());
                System.out.println(id + " " + state + (r.getState() == EvaluationState.EVALUATION_STATE_CANCELLED ? ""
                        : " (it had already ended: nothing to cancel)"));
                return r.getState() == EvaluationState.EVALUATION_STATE_CANCELLED ? 0 : 1;
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List evaluations, newest first: state, progress, age.")
    static final class ListCommand implements Callable<Integer> {
        @Option(names = "--limit", defaultValue = "50", description = "Most evaluations to show (default: ${DEFAULT-VALUE}).")
        int limit;
        @Mixin
        CoordinatorOption coordinator = new CoordinatorOption();

        @Override
        public Integer call() {
            if (limit < 1 || limit > 10_000) {
                throw new IllegalArgumentException("--limit must be in 1..10000, got " + limit);
            }
            ManagedChannel ch = coordinator.channel();
            try {
                var stub = CoordinatorGrpc.newBlockingStub(ch);
                System.out.printf("%-24s %-10s %17s %8s  %s%n", "ID", "STATE", "PROGRESS", "AGE", "NAME");
                String token = "";
                int shown = 0;
                long now = System.currentTimeMillis();
                do {
                    ListResponse page = stub.withDeadlineAfter(30, TimeUnit.SECONDS).list(ListRequest.newBuilder()
                            .setPage(PageRequest.newBuilder().setPageSize(Math.min(500, limit - shown)).setPageToken(token))
                            .build());
                    for (EvaluationSummary e : page.getEvaluationsList()) {
                        String progress = String.format("%d/%d %3.0f%%", e.getDone(), e.getTotal(),
                                e.getTotal() == 0 ? 0.0 : 100.0 * e.getDone() / e.getTotal());
                        System.out.printf("%-24s %-10s %17s %8s  %s%n", e.getEvaluationId(), stateName(e.getState()), progress,
                                age(Duration.ofMillis(now - e.getCreatedUnixMs())), e.getName());
                        shown++;
                    }
                    token = page.getNextPageToken();
                } while (!token.isEmpty() && shown < limit);
                return 0;
            } finally {
                ch.shutdownNow();
            }
        }
    }
}
