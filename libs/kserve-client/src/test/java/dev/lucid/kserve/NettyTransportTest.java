package dev.lucid.kserve;

import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Both Netty transports carry a real gRPC call over loopback; epoll is chosen wherever it loads. */
class NettyTransportTest {

    private static String roundTrip(NettyTransport transport) throws Exception {
        Server server = transport.configure(NettyServerBuilder.forPort(0))
                .addService(new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {
                    @Override
                    public void serverMetadata(GrpcService.ServerMetadataRequest r,
                                               StreamObserver<GrpcService.ServerMetadataResponse> o) {
                        o.onNext(GrpcService.ServerMetadataResponse.newBuilder().setName("over " + transport).build());
                        o.onCompleted();
                    }
                }).build().start();
        ManagedChannel ch = transport.configure(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()))
                .usePlaintext().build();
        try {
            return GRPCInferenceServiceGrpc.newBlockingStub(ch)
                    .serverMetadata(GrpcService.ServerMetadataRequest.getDefaultInstance()).getName();
        } finally {
            ch.shutdownNow();
            server.shutdownNow();
        }
    }

    @Test
    void nioCarriesACall() throws Exception {
        assertEquals("over NIO", roundTrip(NettyTransport.NIO));
        assertEquals(NettyTransport.NIO, NettyTransport.choose(false));
    }

    @Test
    void epollIsChosenWhereItLoadsAndCarriesACall() throws Exception {
        assumeTrue(Epoll.isAvailable(), "Netty's epoll transport does not load here (not Linux x86-64): "
                + Epoll.unavailabilityCause());
        assertEquals(NettyTransport.EPOLL, NettyTransport.choose(true));
        assertEquals("over EPOLL", roundTrip(NettyTransport.EPOLL));
    }
}
