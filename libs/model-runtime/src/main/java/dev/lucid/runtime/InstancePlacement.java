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
 */
record InstancePlacement(Device device, int gpu) {

    /** The execution provider an instance's session uses. */
    enum Device { CPU, CUDA }

    /** Bound on the instances of one model version, across all its groups. */
    static final int MAX_INSTANCES = 64;
    /** Bound on a listed GPU id. */
    static final int MAX_GPU_ID = 63;

    static final InstancePlacement CPU = new InstancePlacement(Device.CPU, -1);

    /**
     * The instances of a model version, in config order.
     *
     * @param available the execution providers of the ONNX Runtime build on the classpath
     * @throws ModelLoadException for a kind this build cannot run, a bad GPU id or too many instances
     */
    static List<InstancePlacement> plan(ModelConfig config, Set<OrtProvider> available) throws ModelLoadException {
        List<InstancePlacement> out = new ArrayList<>();
        boolean cuda = available.contains(OrtProvider.CUDA);
        for (ModelInstanceGroup g : config.getInstanceGroupList()) {
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
     * The config as served: {@code KIND_AUTO} groups say the kind they resolved to, as Triton's model config
     * answer does.
     */
    static ModelConfig resolved(ModelConfig config, Set<OrtProvider> available) {
        boolean cuda = available.contains(OrtProvider.CUDA);
        ModelConfig.Builder b = config.toBuilder();
        for (int i = 0; i < b.getInstanceGroupCount(); i++) {
            ModelInstanceGroup g = b.getInstanceGroup(i);
            if (g.getKind() == ModelInstanceGroup.Kind.KIND_AUTO) {
                b.setInstanceGroup(i, g.toBuilder().setKind(resolve(g.getKind(), cuda)));
            }
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
