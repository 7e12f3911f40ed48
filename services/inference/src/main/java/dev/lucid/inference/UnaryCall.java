package dev.lucid.inference;

import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Calls a unary gRPC handler in-process and completes with its answer or its error, so the HTTP
 * endpoints run exactly the gRPC service's code and answer with its messages.
 */
final class UnaryCall<T> implements StreamObserver<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private T value;

    private UnaryCall() {
    }

    /** Runs {@code handler(request, observer)} and returns the future answer. */
    static <Q, T> CompletableFuture<T> call(BiConsumer<Q, StreamObserver<T>> handler, Q request) {
        UnaryCall<T> c = new UnaryCall<>();
        try {
            handler.accept(request, c);
        } catch (RuntimeException e) {
            c.result.completeExceptionally(e);
        }
        return c.result;
    }

    @Override
    public void onNext(T v) {
        value = v;
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        result.complete(value);
    }
}
