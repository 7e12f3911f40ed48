package dev.lucid.sampler;

import com.google.protobuf.ByteString;
import dev.lucid.api.v1.ImportSuiteChunk;
import dev.lucid.api.v1.ImportSuiteHeader;
import dev.lucid.api.v1.ImportSuiteResponse;
import dev.lucid.api.v1.Stratum;
import dev.lucid.api.v1.SuiteFormat;
import dev.lucid.suites.ImportRequest;
import dev.lucid.suites.ImportResult;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An import that dies of an Error (the heap exhausted by a huge file, a bug) still answers the client at once and
 * removes its spool file: nobody waits for the call's deadline.
 */
class SuiteImportCallFailureTest {
    @TempDir
    Path dir;

    /** Imports that fail the way the test says. */
    static final class FailingSuites extends ImportedSuites {
        private final Error failure;

        FailingSuites(SamplerConfig config, Error failure) {
            super(config);
            this.failure = failure;
        }

        @Override
        ImportResult importFiles(ImportRequest request, Path data, Path questions, String questionsFile) {
            throw failure;
        }
    }

    private Status upload(Error failure) throws Exception {
        FailingSuites suites = new FailingSuites(config(dir), failure);
        CompletableFuture<Throwable> answer = new CompletableFuture<>();
        SuiteImportCall call = new SuiteImportCall(suites, 1 << 20, new StreamObserver<ImportSuiteResponse>() {
            @Override
            public void onNext(ImportSuiteResponse r) {
                answer.completeExceptionally(new AssertionError("an import that failed answered " + r));
            }

            @Override
            public void onError(Throwable t) {
                answer.complete(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        call.onNext(ImportSuiteChunk.newBuilder().setHeader(ImportSuiteHeader.newBuilder().setSuiteId("big")
                .setFormat(SuiteFormat.SUITE_FORMAT_ATTACK_CSV).setFileName("big.csv")
                .setDefaultStratum(Stratum.STRATUM_ADVERSARIAL)).build());
        call.onNext(ImportSuiteChunk.newBuilder().setData(ByteString.copyFromUtf8("prompt\na cat\n")).build());
        call.onCompleted();
        Throwable t = answer.get(10, TimeUnit.SECONDS);
        suites.executor().shutdown();
        assertTrue(suites.executor().awaitTermination(10, TimeUnit.SECONDS));
        try (var left = Files.list(suites.spoolDir())) {
            assertEquals(0, left.count(), "the spool file is deleted");
        }
        return Status.fromThrowable(t);
    }

    @Test
    void outOfMemoryIsAnsweredAsResourceExhausted() throws Exception {
        Status s = upload(new OutOfMemoryError("Java heap space"));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode());
        assertTrue(s.getDescription().startsWith("import failed: the service ran out of memory (Java heap space); send less at once or raise its heap"),
                s.getDescription());
    }

    @Test
    void anyOtherErrorIsAnsweredAsInternal() throws Exception {
        Status s = upload(new StackOverflowError());
        assertEquals(Status.Code.INTERNAL, s.getCode());
        assertEquals("import failed: StackOverflowError", s.getDescription());
    }

    static SamplerConfig config(Path base) {
        return new SamplerConfig() {
            @Override
            public Path world() {
                return base.resolve("world.yaml");
            }

            @Override
            public Path baseDir() {
                return base;
            }

            @Override
            public int miniWorldPerStratum() {
                return 1;
            }

            @Override
            public long miniWorldSeed() {
                return 0;
            }

            @Override
            public Path suitesDir() {
                return Path.of("suites");
            }

            @Override
            public long maxImportBytes() {
                return 1 << 20;
            }

            @Override
            public int maxSuites() {
                return 10;
            }
        };
    }
}
