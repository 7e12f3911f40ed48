package dev.lucid.kserve;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Answers every call whose handler throws, with the status of {@link StatusMapping}: without it a runtime exception
 * becomes a bare UNKNOWN and an {@link Error} (say, {@link OutOfMemoryError}) escapes the call, so the client waits
 * for its deadline. Each Lucid service registers it as a global interceptor.
 */
public class UncaughtFailures implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        AtomicBoolean closed = new AtomicBoolean();
        ServerCall<Q, R> tracked = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (closed.compareAndSet(false, true)) {
                    super.close(status, trailers);
                }
            }
        };
        String method = call.getMethodDescriptor().getFullMethodName();
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(tracked, headers);
        } catch (Throwable e) {
            answer(tracked, closed, e, method);
            return new ServerCall.Listener<>() {
            };
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            private void guarded(Runnable callback) {
                try {
                    callback.run();
                } catch (Throwable e) {
                    answer(tracked, closed, e, method);
                }
            }

            @Override
            public void onMessage(Q message) {
                guarded(() -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                guarded(super::onHalfClose);
            }

            @Override
            public void onReady() {
                guarded(super::onReady);
            }
        };
    }

    private static void answer(ServerCall<?, ?> call, AtomicBoolean closed, Throwable e, String method) {
        StatusRuntimeException s = StatusMapping.toStatus(e, method);
        if (!closed.get()) {
            call.close(s.getStatus(), new Metadata());
        }
    }
}
