package dev.lucid.loadtests;

import com.google.protobuf.UnsafeByteOperations;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import dev.lucid.kserve.NettyTransport;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;
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
    private static final int WARM_UP_CALLS = 3000;

    private GrpcTransportFloor() {
    }

    /** A bare server and a channel to it on one Netty transport. */
    private record Link(NettyTransport transport, Server server, ManagedChannel channel,
                        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub) implements AutoCloseable {
        static Link open(NettyTransport transport, ExecutorService worker) throws java.io.IOException {
            Server server = transport.configure(NettyServerBuilder.forPort(0)).directExecutor()
                    .maxInboundMessageSize(1 << 28).flowControlWindow(8 << 20)
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
            ManagedChannel ch = transport.configure(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()))
                    .usePlaintext().maxInboundMessageSize(1 << 28).build();
            return new Link(transport, server, ch, GRPCInferenceServiceGrpc.newBlockingStub(ch));
        }

        @Override
        public void close() {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    public static void main(String[] args) throws Exception {
        int payload = Integer.parseInt(args[0]);
        ExecutorService worker = Executors.newSingleThreadExecutor();
        // Both transports side by side, in alternating rounds, so drift on a shared machine hits both alike.
        List<NettyTransport> transports = NettyTransport.choose(true) == NettyTransport.EPOLL
                ? List.of(NettyTransport.NIO, NettyTransport.EPOLL) : List.of(NettyTransport.NIO);
        List<Link> links = new ArrayList<>();
        for (NettyTransport t : transports) {
            links.add(Link.open(t, worker));
        }
        System.out.println("| transport | payload (bytes) | handler busy (ms) | per call (ms) | transport + hand-offs (ms) |");
        System.out.println("|---|---|---|---|---|");
        int rounds = 5;
        int callsPerRound = 100;
        for (int i = 1; i < args.length; i++) {
            int busy = Integer.parseInt(args[i]);
            GrpcService.ModelInferRequest req = GrpcService.ModelInferRequest.newBuilder().setModelName("floor")
                    .setId(Integer.toString(busy)).addRawInputContents(UnsafeByteOperations.unsafeWrap(new byte[payload]))
                    .build();
            long[] nanos = new long[links.size()];
            GrpcService.ModelInferRequest warm = req.toBuilder().setId("0").build();
            for (Link l : links) { // warm-up without busy time: the first thousands of calls run interpreted
                for (int w = 0; w < WARM_UP_CALLS; w++) {
                    l.stub().modelInfer(warm);
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < links.size(); k++) {
                    long t0 = System.nanoTime();
                    for (int c = 0; c < callsPerRound; c++) {
                        links.get(k).stub().modelInfer(req);
                    }
                    nanos[k] += System.nanoTime() - t0;
                }
            }
            for (int k = 0; k < links.size(); k++) {
                double per = nanos[k] / 1e6 / (rounds * callsPerRound);
                System.out.printf("| %s | %d | %d | %.2f | %.2f |%n", links.get(k).transport().name().toLowerCase(),
                        payload, busy, per, per - busy);
            }
        }
        links.forEach(Link::close);
        worker.shutdownNow();
    }
}
