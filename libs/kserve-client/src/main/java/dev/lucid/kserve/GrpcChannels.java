package dev.lucid.kserve;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

import java.util.Optional;

/** Opens Lucid's gRPC channels: the process's Netty transport, TLS when files are given, plain text otherwise. */
public final class GrpcChannels {
    private GrpcChannels() {
    }

    /**
     * A channel to {@code host:port}. Calls go round robin over every address the name resolves to (a headless
     * Kubernetes Service, or several hosts file entries), so replicas behind one name share the load and a replica
     * that goes away is skipped.
     *
     * @param maxInboundBytes largest message the channel accepts
     * @param tls             TLS files (server authentication, plus a client certificate for mutual TLS); empty = plain text
     * @param interceptors    applied to every call (e.g. a bearer token)
     */
    public static ManagedChannel open(String host, int port, int maxInboundBytes, Optional<TlsFiles> tls,
                                      ClientInterceptor... interceptors) {
        NettyChannelBuilder b = NettyTransport.standard().configure(NettyChannelBuilder.forAddress(host, port))
                .maxInboundMessageSize(maxInboundBytes).intercept(interceptors).defaultLoadBalancingPolicy("round_robin");
        if (tls.isPresent()) {
            b.useTransportSecurity().sslContext(tls.get().forGrpcClient());
        } else {
            b.usePlaintext();
        }
        return b.build();
    }
}
