package dev.lucid.runtime;

import ai.onnxruntime.OrtProvider;
import inference.ModelConfigOuterClass.ModelConfig;
import inference.ModelConfigOuterClass.ModelInstanceGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where one model instance runs: on the CPU, or on one GPU through ONNX Runtime's CUDA execution provider.
 * {@link #plan} turns a config's {@code instance_group}s into instances the way Triton does: {@code count}
 * instances per listed GPU (GPU 0 when none is listed), {@code KIND_AUTO} on the GPU when the CUDA provider is
 * there and on the CPU otherwise. A kind this server cannot honour fails the load; it never falls back silently.
 * One difference: a CPU group that leaves {@code count} unset gets the server's own number of CPU instances (by
 * default one per core, at most {@link #MAX_AUTO_CPU_INSTANCES}) where Triton gives one; a config that states a
 * count gets it.
 */
record InstancePlacement(Device device, int gpu) {

    /** The execution provider an instance's session uses. */
    enum Device { CPU, CUDA }

    /** Bound on the instances of one model version, across all its groups. */
    static final int MAX_INSTANCES = 64;
    /** Bound on a listed GPU id. */
    static final int MAX_GPU_ID = 63;

    /** Most CPU instances a group without {@code count} gets by default, however many cores there are. */
    static final int MAX_AUTO_CPU_INSTANCES = 8;

    static final InstancePlacement CPU = new InstancePlacement(Device.CPU, -1);

    /**
     * CPU instances for a group that leaves {@code count} unset: {@code configured} when positive, else this machine's
     * cores (as the JVM sees them, a container's limit included), at most {@link #MAX_AUTO_CPU_INSTANCES}. Measured on
     * 2 cores, two single-threaded denoiser instances outrun one instance with two threads (README, throughput).
     */
    static int cpuInstancesForUnsetCount(int configured) {
        return configured > 0 ? configured
                : Math.min(MAX_AUTO_CPU_INSTANCES, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * The instances of a model version, in config order.
     *
     * @param available       the execution providers of the ONNX Runtime build on the classpath
     * @param unsetCpuInstances instances of a CPU group that leaves {@code count} unset
     * @throws ModelLoadException for a kind this build cannot run, a bad GPU id or too many instances
     */
    static List<InstancePlacement> plan(ModelConfig config, Set<OrtProvider> available, int unsetCpuInstances)
            throws ModelLoadException {
        List<InstancePlacement> out = new ArrayList<>();
        boolean cuda = available.contains(OrtProvider.CUDA);
        for (ModelInstanceGroup g : resolved(config, available, unsetCpuInstances).getInstanceGroupList()) {
            int count = g.getCount() == 0 ? 1 : g.getCount();
            String where = "instance_group '" + (g.getName().isEmpty() ? config.getName() : g.getName()) + "'";
            switch (resolve(g.getKind(), cuda)) {
                case KIND_CPU -> {
                    if (g.getGpusCount() > 0) {
                        throw new ModelLoadException(where + " is KIND_CPU but lists gpus " + g.getGpusList()
                                + "; list gpus only with KIND_GPU");
                    }
                    for (int i = 0; i < count; i++) {
                        out.add(CPU);
                    }
                }
                case KIND_GPU -> {
                    if (!cuda) {
                        throw new ModelLoadException(where + " asks for KIND_GPU, but this server's ONNX Runtime has no"
                                + " CUDA execution provider (it has " + available + "): build the server with"
                                + " the Maven profile -Pcuda (ONNX Runtime's GPU package, which needs CUDA 12 and cuDNN 9"
                                + " on the host), or use KIND_CPU");
                    }
                    List<Integer> gpus = g.getGpusCount() == 0 ? List.of(0) : g.getGpusList();
                    for (int gpu : gpus) {
                        if (gpu < 0 || gpu > MAX_GPU_ID) {
                            throw new ModelLoadException(where + " lists gpu " + gpu + "; GPU ids are 0.." + MAX_GPU_ID);
                        }
                        for (int i = 0; i < count; i++) {
                            out.add(new InstancePlacement(Device.CUDA, gpu));
                        }
                    }
                }
                default -> throw new ModelLoadException(where + " is " + g.getKind()
                        + ", which the ONNX Runtime backend does not support; use KIND_CPU or KIND_GPU");
            }
            if (out.size() > MAX_INSTANCES) {
                throw new ModelLoadException("instance_group: " + out.size() + " instances in all; at most "
                        + MAX_INSTANCES + " per model version");
            }
        }
        return out.isEmpty() ? List.of(CPU) : List.copyOf(out);
    }

    /**
     * The config as served: {@code KIND_AUTO} groups say the kind they resolved to, and CPU groups without a count
     * the count they got, as Triton's model config answer does.
     */
    static ModelConfig resolved(ModelConfig config, Set<OrtProvider> available, int unsetCpuInstances) {
        boolean cuda = available.contains(OrtProvider.CUDA);
        ModelConfig.Builder b = config.toBuilder();
        for (int i = 0; i < b.getInstanceGroupCount(); i++) {
            ModelInstanceGroup g = b.getInstanceGroup(i);
            ModelInstanceGroup.Kind kind = resolve(g.getKind(), cuda);
            ModelInstanceGroup.Builder r = g.toBuilder().setKind(kind);
            if (g.getCount() == 0) {
                r.setCount(kind == ModelInstanceGroup.Kind.KIND_CPU ? unsetCpuInstances : 1);
            }
            b.setInstanceGroup(i, r);
        }
        return b.build();
    }

    private static ModelInstanceGroup.Kind resolve(ModelInstanceGroup.Kind kind, boolean cuda) {
        if (kind == ModelInstanceGroup.Kind.KIND_AUTO) {
            return cuda ? ModelInstanceGroup.Kind.KIND_GPU : ModelInstanceGroup.Kind.KIND_CPU;
        }
        return kind;
    }

    @Override
    public String toString() {
        return device == Device.CPU ? "CPU" : "GPU " + gpu;
    }
}
