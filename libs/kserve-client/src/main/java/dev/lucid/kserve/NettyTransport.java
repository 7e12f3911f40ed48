package dev.lucid.kserve;

import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty transport of Lucid's gRPC links to and in the inference server: Linux's epoll where Netty's native
 * library loads (fewer system calls and copies per request than the JDK's NIO selector), NIO elsewhere. The event
 * loops are shared by every channel and server of the process and run as daemon threads.
 */
public enum NettyTransport {
    /** Netty's native epoll transport. */
    EPOLL,
    /** The JDK's NIO selector. */
    NIO;

    private EventLoopGroup group;

    /** Epoll when it is available and {@code preferNative}, NIO otherwise. */
    public static NettyTransport choose(boolean preferNative) {
        return preferNative && Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** Epoll when it is available, unless the system property {@code lucid.grpc.native-transport} is "false". */
    public static NettyTransport standard() {
        return choose(!"false".equalsIgnoreCase(System.getProperty("lucid.grpc.native-transport", "true")));
    }

    private synchronized EventLoopGroup group() {
        if (group == null) {
            // Netty's default size: twice the available cores.
            DefaultThreadFactory threads = new DefaultThreadFactory("grpc-" + name().toLowerCase(), true);
            group = this == EPOLL ? new EpollEventLoopGroup(0, threads) : new NioEventLoopGroup(0, threads);
        }
        return group;
    }

    /** Puts a channel on this transport. */
    public NettyChannelBuilder configure(NettyChannelBuilder b) {
        return b.eventLoopGroup(group()).channelType(this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class);
    }

    /** Puts a server on this transport (one loop group accepts and serves). */
    public NettyServerBuilder configure(NettyServerBuilder b) {
        return b.bossEventLoopGroup(group()).workerEventLoopGroup(group())
                .channelType(this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class);
    }
}
