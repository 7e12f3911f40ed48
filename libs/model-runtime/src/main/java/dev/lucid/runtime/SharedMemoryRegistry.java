package dev.lucid.runtime;

import inference.GrpcService.SystemSharedMemoryStatusResponse.RegionStatus;
import io.grpc.Status;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Triton's system shared memory regions: POSIX shared memory objects ({@code shm_open} keys, files under
 * {@code /dev/shm}) mapped once at registration. Inputs are read from, and outputs written to, the
 * mapping without copying through the transport. Every bound is checked: the key's form, offset and size
 * against the object's size at registration, and offset and size against the region on every use. A
 * region is never unmapped while a request may hold a view of it (the JVM unmaps it once unreachable), so
 * unregistering during a request cannot crash the server.
 */
public final class SharedMemoryRegistry {
    /** Most regions registered at once. */
    public static final int MAX_REGIONS = 256;
    private static final Pattern KEY = Pattern.compile("/?[A-Za-z0-9._-]{1,200}");
    private static final Pattern NAME = Pattern.compile("[^\\x00-\\x1f/]{1,200}");

    private record Region(String name, String key, long offset, long byteSize, MappedByteBuffer map) {
    }

    private final Path shmRoot;
    private final Map<String, Region> regions = new TreeMap<>();

    /** Regions under {@code shmRoot} (normally {@code /dev/shm}). */
    public SharedMemoryRegistry(Path shmRoot) {
        this.shmRoot = shmRoot;
    }

    /** Maps {@code byteSize} bytes at {@code offset} of the object {@code key} as region {@code name}. */
    public synchronized void register(String name, String key, long offset, long byteSize) {
        if (!NAME.matcher(name).matches()) {
            throw InferenceException.invalid("shared memory region name must be 1..200 printable characters without '/'");
        }
        if (regions.containsKey(name)) {
            throw new InferenceException(Status.Code.ALREADY_EXISTS,
                    "shared memory region '" + name + "' already in manager");
        }
        if (regions.size() >= MAX_REGIONS) {
            throw new InferenceException(Status.Code.RESOURCE_EXHAUSTED,
                    "at most " + MAX_REGIONS + " shared memory regions can be registered");
        }
        if (!KEY.matcher(key).matches() || key.replace("/", "").matches("\\.+")) {
            throw InferenceException.invalid("shared memory key must be a POSIX shared memory name ('/name', "
                    + "letters, digits, '.', '_', '-'), got '" + key + "'");
        }
        if (offset < 0 || byteSize <= 0 || byteSize > Integer.MAX_VALUE) {
            throw InferenceException.invalid("shared memory region '" + name + "': offset must be >= 0 and byte_size "
                    + "in 1.." + Integer.MAX_VALUE + ", got offset " + offset + ", byte_size " + byteSize);
        }
        Path file = shmRoot.resolve(key.startsWith("/") ? key.substring(1) : key);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (offset > size || byteSize > size - offset) {
                throw InferenceException.invalid("Invalid offset + byte size for shared memory region: '" + name
                        + "' (offset " + offset + " + byte_size " + byteSize + " > " + size + " bytes of '" + key + "')");
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, offset, byteSize);
            regions.put(name, new Region(name, key, offset, byteSize, map));
        } catch (NoSuchFileException e) {
            throw new InferenceException(Status.Code.INTERNAL, "Unable to open shared memory region: '" + key + "'");
        } catch (IOException e) {
            throw new InferenceException(Status.Code.INTERNAL, "Unable to open shared memory region: '" + key + "': "
                    + e.getMessage());
        }
    }

    /** Forgets one region, or all when {@code name} is empty; an unknown name is not an error (as Triton). */
    public synchronized void unregister(String name) {
        if (name.isEmpty()) {
            regions.clear();
        } else {
            regions.remove(name);
        }
    }

    /** Status of one region, or of all when {@code name} is empty. */
    public synchronized List<RegionStatus> status(String name) {
        List<RegionStatus> l = new ArrayList<>();
        for (Region r : regions.values()) {
            if (name.isEmpty() || r.name().equals(name)) {
                l.add(RegionStatus.newBuilder().setName(r.name()).setKey(r.key()).setOffset(r.offset())
                        .setByteSize(r.byteSize()).build());
            }
        }
        if (!name.isEmpty() && l.isEmpty()) {
            throw InferenceException.notFound("Unable to find system shared memory region: '" + name + "'");
        }
        return l;
    }

    /**
     * A little-endian view of {@code byteSize} bytes at {@code offset} of a region.
     *
     * @throws InferenceException NOT_FOUND for an unregistered region, INVALID_ARGUMENT when out of bounds
     */
    public ByteBuffer view(String name, long offset, long byteSize) {
        Region r;
        synchronized (this) {
            r = regions.get(name);
        }
        if (r == null) {
            throw InferenceException.notFound("Unable to find shared memory region: '" + name + "'");
        }
        if (offset < 0 || byteSize < 0 || offset > r.byteSize() || byteSize > r.byteSize() - offset) {
            throw InferenceException.invalid("Invalid offset + byte size for shared memory region: '" + name
                    + "' (offset " + offset + " + byte_size " + byteSize + " > region of " + r.byteSize() + " bytes)");
        }
        return r.map().duplicate().position((int) offset).limit((int) (offset + byteSize)).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
    }
}
