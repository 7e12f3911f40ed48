package dev.lucid.loadtests;

import com.google.protobuf.UnsafeByteOperations;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The floor under any gRPC inference server on this machine: a bare grpc-java server (no model, no
 * Lucid code) that hands each request to a worker thread, which busy-waits for a given time and
 * answers. The per-call time minus the busy time is what transport and thread hand-offs cost here.
 *
 * <p>Usage: {@code GrpcTransportFloor PAYLOAD_BYTES BUSY_MS...}
 */
public final class GrpcTransportFloor {
    private GrpcTransportFloor() {
    }

    public static void main(String[] args) throws Exception {
        int payload = Integer.parseInt(args[0]);
        ExecutorService worker = Executors.newSingleThreadExecutor();
        Server server = NettyServerBuilder.forPort(0).directExecutor().maxInboundMessageSize(1 << 28)
                .flowControlWindow(8 << 20)
                .addService(new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {
                    @Override
                    public void modelInfer(GrpcService.ModelInferRequest r,
                                           StreamObserver<GrpcService.ModelInferResponse> o) {
                        long busyNs = Long.parseLong(r.getId()) * 1_000_000L;
                        worker.execute(() -> {
                            long end = System.nanoTime() + busyNs;
                            while (System.nanoTime() < end) {
                                Thread.onSpinWait();
                            }
                            o.onNext(GrpcService.ModelInferResponse.newBuilder().setModelName(r.getModelName()).build());
                            o.onCompleted();
                        });
                    }
                }).build().start();
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                .maxInboundMessageSize(1 << 28).build();
        var stub = GRPCInferenceServiceGrpc.newBlockingStub(ch);
        System.out.println("| payload (bytes) | handler busy (ms) | per call (ms) | transport + hand-offs (ms) |");
        System.out.println("|---|---|---|---|");
        for (int i = 1; i < args.length; i++) {
            int busy = Integer.parseInt(args[i]);
            GrpcService.ModelInferRequest req = GrpcService.ModelInferRequest.newBuilder().setModelName("floor")
                    .setId(Integer.toString(busy)).addRawInputContents(UnsafeByteOperations.unsafeWrap(new byte[payload]))
                    .build();
            for (int w = 0; w < 30; w++) {
                stub.modelInfer(req);
            }
            int calls = 100;
            long t0 = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                stub.modelInfer(req);
            }
            double per = (System.nanoTime() - t0) / 1e6 / calls;
            System.out.printf("| %d | %d | %.2f | %.2f |%n", payload, busy, per, per - busy);
        }
        ch.shutdownNow();
        server.shutdownNow();
        worker.shutdownNow();
    }
}
