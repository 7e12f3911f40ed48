package dev.lucid.sampler;

import dev.lucid.kserve.StatusMapping;
import dev.lucid.api.v1.ImportSuiteChunk;
import dev.lucid.api.v1.ImportSuiteHeader;
import dev.lucid.api.v1.ImportSuiteResponse;
import dev.lucid.suites.ImportRequest;
import dev.lucid.suites.ImportResult;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One ImportSuite call: the header, then file chunks spooled to disk as they arrive (bounded in total), then the
 * streaming import on the import thread. Nothing but the spool files holds the upload; they are deleted at the end.
 */
final class SuiteImportCall implements StreamObserver<ImportSuiteChunk> {
    private static final Logger LOG = Logger.getLogger(SuiteImportCall.class);

    private final ImportedSuites suites;
    private final long maxBytes;
    private final StreamObserver<ImportSuiteResponse> out;
    private ImportRequest request;
    private String questionsFile = "";
    private Path data;
    private Path questions;
    private OutputStream dataOut;
    private OutputStream questionsOut;
    private long bytes;
    private boolean done;

    SuiteImportCall(ImportedSuites suites, long maxBytes, StreamObserver<ImportSuiteResponse> out) {
        this.suites = suites;
        this.maxBytes = maxBytes;
        this.out = out;
    }

    @Override
    public void onNext(ImportSuiteChunk chunk) {
        if (done) {
            return;
        }
        try {
            switch (chunk.getPartCase()) {
                case HEADER -> header(chunk.getHeader());
                case DATA -> write(false, chunk.getData());
                case QUESTIONS_DATA -> write(true, chunk.getQuestionsData());
                default -> throw new IllegalArgumentException("chunk: empty message");
            }
        } catch (IOException e) {
            fail(Status.INTERNAL.withDescription("cannot spool the upload: " + e.getMessage()).asRuntimeException());
        } catch (Throwable e) {
            // Errors included (a bug, out of memory): the client always gets an answer and the log says why.
            fail(StatusMapping.toStatus(e, "import"));
        }
    }

    private void header(ImportSuiteHeader h) throws IOException {
        if (request != null) {
            throw new IllegalArgumentException("header: sent twice");
        }
        String stratum = SamplerEndpoint.stratumName(h.getDefaultStratum());
        request = new ImportRequest(h.getSuiteId(), ImportedSuites.format(h.getFormat()), h.getFileName(), stratum,
                h.getColumnMappingMap(), h.getLenient(), h.getLicense());
        questionsFile = h.getQuestionsFileName();
        Path dir = suites.spoolDir();
        data = Files.createTempFile(dir, "data-", ".part");
        dataOut = Files.newOutputStream(data);
    }

    private void write(boolean isQuestions, com.google.protobuf.ByteString b) throws IOException {
        if (request == null) {
            throw new IllegalArgumentException("header: the first message must be the header");
        }
        bytes += b.size();
        if (bytes > maxBytes) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("the upload is larger than " + maxBytes
                    + " bytes (lucid.sampler.max-import-bytes)").asRuntimeException();
        }
        if (isQuestions && questionsOut == null) {
            questions = Files.createTempFile(suites.spoolDir(), "questions-", ".part");
            questionsOut = Files.newOutputStream(questions);
        }
        b.writeTo(isQuestions ? questionsOut : dataOut);
    }

    @Override
    public void onError(Throwable t) {
        done = true;
        cleanUp();
    }

    @Override
    public void onCompleted() {
        if (done) {
            return;
        }
        done = true;
        if (request == null) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("header: required").asRuntimeException());
            return;
        }
        try {
            closeStreams();
        } catch (IOException e) {
            fail(Status.INTERNAL.withDescription("cannot spool the upload: " + e.getMessage()).asRuntimeException());
            return;
        }
        try {
            suites.executor().execute(this::run);
        } catch (RuntimeException e) {
            LOG.error("cannot start the import", e);
            cleanUp();
            out.onError(Status.UNAVAILABLE.withDescription("cannot start the import: " + e).asRuntimeException());
        }
    }

    private void run() {
        try {
            ImportResult r = suites.importFiles(request, data, questions, questionsFile);
            out.onNext(ImportSuiteResponse.newBuilder().setSuite(SamplerEndpoint.info(r.suite())).setRowsRead(r.rowsRead())
                    .setRowsImported(r.rowsImported()).setRowsSkipped(r.rowsSkipped()).addAllSkipReasons(r.skipReasons()).build());
            out.onCompleted();
        } catch (Throwable e) {
            // A bad file is INVALID_ARGUMENT naming file, line and column; OutOfMemoryError included: the client gets an answer and the log says why, never silence.
            out.onError(StatusMapping.toStatus(e, "import"));
        } finally {
            cleanUp();
        }
    }

    private void fail(StatusRuntimeException e) {
        done = true;
        cleanUp();
        out.onError(e);
    }

    private void closeStreams() throws IOException {
        if (dataOut != null) {
            dataOut.close();
            dataOut = null;
        }
        if (questionsOut != null) {
            questionsOut.close();
            questionsOut = null;
        }
    }

    private void cleanUp() {
        try {
            closeStreams();
        } catch (IOException ignored) {
            // the files are deleted next
        }
        for (Path p : new Path[] {data, questions}) {
            if (p != null) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warnf("cannot delete spool file %s: %s", p, e.getMessage());
                }
            }
        }
    }
}
