package dev.lucid.kserve;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService;
import inference.GrpcService.InferParameter;
import inference.GrpcService.ModelInferRequest;
import inference.GrpcService.ModelInferResponse;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of Triton's system shared memory: a pool of regions (POSIX shared memory objects under
 * {@code /dev/shm}, one per request in flight) registered with the server. A request's inputs are written
 * into its region and its fixed-size outputs are read back from it, so tensor bytes do not travel in the
 * gRPC messages. Outputs whose size cannot be known before the call (BYTES, variable dimensions) come back
 * in the response as usual. When the server cannot open the regions (it is on another host), the pool
 * turns itself off and requests go as plain gRPC.
 */
final class SharedMemoryPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SharedMemoryPool.class);
    /** Most regions (requests in flight through shared memory) per client; beyond, plain gRPC. */
    static final int MAX_REGIONS = 64;
    private static final int ALIGN = 64;

    /** One registered region and its local mapping. */
    record Region(String name, Path file, MappedByteBuffer map) {
    }

    /** A request placed in a region: the message to send and where its outputs will be. */
    record Placed(Region region, ModelInferRequest request) {
    }

    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;
    private final long deadlineNanos;
    private final int regionBytes;
    private final Path root;
    private final String prefix = "lucid-client-" + UUID.randomUUID().toString().substring(0, 8);
    private final ConcurrentLinkedQueue<Region> free = new ConcurrentLinkedQueue<>();
    private final List<Region> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger created = new AtomicInteger();
    private volatile boolean disabled;

    SharedMemoryPool(GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub, long deadlineNanos,
                     int regionBytes, Path root) {
        this.stub = stub;
        this.deadlineNanos = deadlineNanos;
        this.regionBytes = regionBytes;
        this.root = root;
    }

    /** Whether requests still go through shared memory. */
    boolean enabled() {
        return !disabled;
    }

    /**
     * Places a request's inputs (and the outputs whose byte size {@code outputBytes} gives) in a region, or
     * returns null when it does not fit or no region can be had; the caller then sends it as plain gRPC.
     */
    Placed place(InferenceRequest request, List<String> outputs, Map<String, Long> outputBytes) {
        long need = 0;
        for (Tensor t : request.inputs()) {
            need += align(t.byteSize());
        }
        for (long b : outputBytes.values()) {
            need += align(b);
        }
        if (disabled || need > regionBytes) {
            return null;
        }
        Region r = acquire();
        if (r == null) {
            return null;
        }
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(request.model())
                .setModelVersion(request.version()).setId(request.id()).putAllParameters(request.parameters());
        long at = 0;
        for (Tensor t : request.inputs()) {
            ByteBuffer dst = r.map().duplicate().position((int) at);
            dst.put(t.rawData());
            b.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(t.name())
                    .setDatatype(t.dataType().wireName()).addAllShape(TensorCodec.boxed(t.shape()))
                    .putAllParameters(params(r.name(), at, t.byteSize())));
            at += align(t.byteSize());
        }
        for (String o : outputs) {
            ModelInferRequest.InferRequestedOutputTensor.Builder ob =
                    ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(o);
            Long size = outputBytes.get(o);
            if (size != null) {
                ob.putAllParameters(params(r.name(), at, size));
                at += align(size);
            }
            b.addOutputs(ob);
        }
        return new Placed(r, b.build());
    }

    /** Reads the answer (outputs in the region are copied out) and returns the region to the pool. */
    InferenceResult read(Placed placed, ModelInferResponse r) {
        try {
            Map<String, Tensor> outs = new LinkedHashMap<>();
            for (int i = 0; i < r.getOutputsCount(); i++) {
                ModelInferResponse.InferOutputTensor o = r.getOutputs(i);
                InferParameter size = o.getParametersMap().get("shared_memory_byte_size");
                ByteString raw;
                if (o.containsParameters("shared_memory_region") && size != null) {
                    ModelInferRequest.InferRequestedOutputTensor asked = placed.request().getOutputsList().stream()
                            .filter(x -> x.getName().equals(o.getName())).findFirst().orElseThrow(() ->
                                    new TensorFormatException("output '" + o.getName() + "' was not requested"));
                    long offset = asked.getParametersOrThrow("shared_memory_offset").getInt64Param();
                    long limit = asked.getParametersOrThrow("shared_memory_byte_size").getInt64Param();
                    if (size.getInt64Param() < 0 || size.getInt64Param() > limit) {
                        throw new TensorFormatException("output '" + o.getName() + "': the server wrote "
                                + size.getInt64Param() + " bytes into a slot of " + limit);
                    }
                    byte[] copy = new byte[(int) size.getInt64Param()];
                    placed.region().map().duplicate().position((int) offset).get(copy);
                    raw = ByteString.copyFrom(copy);
                } else {
                    raw = i < r.getRawOutputContentsCount() ? r.getRawOutputContents(i) : ByteString.EMPTY;
                }
                outs.put(o.getName(), TensorCodec.fromRaw(o.getName(), o.getDatatype(), o.getShapeList(), raw));
            }
            return new InferenceResult(r.getModelName(), r.getModelVersion(), r.getId(), Map.copyOf(outs));
        } finally {
            release(placed.region());
        }
    }

    /** Returns a region after a failed call. */
    void release(Region r) {
        free.add(r);
    }

    private Region acquire() {
        Region r = free.poll();
        if (r != null) {
            return r;
        }
        int n = created.incrementAndGet();
        if (n > MAX_REGIONS) {
            created.decrementAndGet();
            return null;
        }
        String name = prefix + "-" + n;
        Path file = root.resolve(name);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ch.truncate(regionBytes);
            ch.position(regionBytes - 1).write(ByteBuffer.wrap(new byte[1]));
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, regionBytes);
            map.order(ByteOrder.LITTLE_ENDIAN);
            stub.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS).systemSharedMemoryRegister(
                    GrpcService.SystemSharedMemoryRegisterRequest.newBuilder().setName(name).setKey("/" + name)
                            .setOffset(0).setByteSize(regionBytes).build());
            Region region = new Region(name, file, map);
            all.add(region);
            return region;
        } catch (IOException | StatusRuntimeException e) {
            disabled = true; // not on the server's host, or it has no shared memory: plain gRPC from now on
            LOG.infof("system shared memory not usable (%s); sending tensors in the gRPC messages", e.getMessage());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // nothing to clean up
            }
            return null;
        }
    }

    private static Map<String, InferParameter> params(String region, long offset, long size) {
        return Map.of("shared_memory_region", InferParameter.newBuilder().setStringParam(region).build(),
                "shared_memory_offset", InferParameter.newBuilder().setInt64Param(offset).build(),
                "shared_memory_byte_size", InferParameter.newBuilder().setInt64Param(size).build());
    }

    private static long align(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** Unregisters the regions and removes their objects. */
    @Override
    public void close() {
        for (Region r : all) {
            try {
                stub.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS).systemSharedMemoryUnregister(
                        GrpcService.SystemSharedMemoryUnregisterRequest.newBuilder().setName(r.name()).build());
            } catch (StatusRuntimeException e) {
                LOG.debugf("unregistering %s: %s", r.name(), e.getStatus());
            }
            try {
                Files.deleteIfExists(r.file());
            } catch (IOException e) {
                LOG.debugf("removing %s: %s", r.file(), e.getMessage());
            }
        }
        all.clear();
    }
}
