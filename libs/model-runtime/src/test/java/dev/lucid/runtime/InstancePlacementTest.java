package dev.lucid.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.google.protobuf.TextFormat;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import inference.ModelConfigOuterClass.ModelConfig;
import inference.ModelConfigOuterClass.ModelInstanceGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** instance_group kinds mapped to ONNX Runtime execution providers, as Triton's ONNX Runtime backend does. */
class InstancePlacementTest {
    private static final Set<OrtProvider> CPU_BUILD = EnumSet.of(OrtProvider.CPU);
    private static final Set<OrtProvider> GPU_BUILD = EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA);

    private static ModelConfig config(String text) throws Exception {
        ModelConfig.Builder b = ModelConfig.newBuilder().setName("m");
        TextFormat.merge(text, b);
        return b.build();
    }

    private static List<String> plan(String text, Set<OrtProvider> providers) throws Exception {
        return InstancePlacement.plan(config(text), providers, 1).stream().map(InstancePlacement::toString).toList();
    }

    @Test
    void countsInstancesPerListedGpuAsTritonDoes() throws Exception {
        assertEquals(List.of("CPU"), plan("", CPU_BUILD));
        assertEquals(List.of("CPU", "CPU", "CPU"), plan("instance_group [ { kind: KIND_CPU count: 3 } ]", CPU_BUILD));
        assertEquals(List.of("GPU 0", "GPU 0"), plan("instance_group [ { kind: KIND_GPU count: 2 } ]", GPU_BUILD));
        assertEquals(List.of("GPU 1", "GPU 1", "GPU 3", "GPU 3", "CPU"),
                plan("instance_group [ { kind: KIND_GPU count: 2 gpus: [ 1, 3 ] }, { kind: KIND_CPU } ]", GPU_BUILD));
    }

    @Test
    void aCpuGroupWithoutCountGetsTheServersNumberAndTheServedConfigSaysIt() throws Exception {
        ModelConfig unset = config("instance_group [ { kind: KIND_CPU }, { kind: KIND_CPU count: 1 } ]");
        assertEquals(List.of("CPU", "CPU", "CPU", "CPU"),
                InstancePlacement.plan(unset, CPU_BUILD, 3).stream().map(InstancePlacement::toString).toList());
        ModelConfig served = InstancePlacement.resolved(unset, CPU_BUILD, 3);
        assertEquals(3, served.getInstanceGroup(0).getCount());
        assertEquals(1, served.getInstanceGroup(1).getCount(), "a stated count is kept");
        // A GPU group without count keeps Triton's one instance per listed GPU.
        assertEquals(1, InstancePlacement.resolved(config("instance_group [ { kind: KIND_AUTO } ]"), GPU_BUILD, 3)
                .getInstanceGroup(0).getCount());
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.min(cores, InstancePlacement.MAX_AUTO_CPU_INSTANCES), InstancePlacement.cpuInstancesForUnsetCount(0));
        assertEquals(5, InstancePlacement.cpuInstancesForUnsetCount(5));
    }

    @Test
    void autoPicksTheGpuOnlyWhereTheCudaProviderIs() throws Exception {
        assertEquals(List.of("CPU", "CPU"), plan("instance_group [ { kind: KIND_AUTO count: 2 } ]", CPU_BUILD));
        assertEquals(List.of("GPU 0", "GPU 0"), plan("instance_group [ { kind: KIND_AUTO count: 2 } ]", GPU_BUILD));
        ModelConfig auto = config("instance_group [ { kind: KIND_AUTO } ]");
        assertEquals(ModelInstanceGroup.Kind.KIND_CPU,
                InstancePlacement.resolved(auto, CPU_BUILD, 1).getInstanceGroup(0).getKind());
        assertEquals(ModelInstanceGroup.Kind.KIND_GPU,
                InstancePlacement.resolved(auto, GPU_BUILD, 1).getInstanceGroup(0).getKind());
    }

    @Test
    void refusesWhatItCannotHonourInsteadOfFallingBack() {
        ModelLoadException gpu = assertThrows(ModelLoadException.class,
                () -> plan("instance_group [ { name: \"g\" kind: KIND_GPU } ]", CPU_BUILD));
        assertEquals("instance_group 'g' asks for KIND_GPU, but this server's ONNX Runtime has no CUDA execution"
                + " provider (it has [CPU]): build the server with the Maven profile -Pcuda (ONNX Runtime's GPU"
                + " package, which needs CUDA 12 and cuDNN 9 on the host), or use KIND_CPU", gpu.getMessage());
        assertEquals("instance_group 'm' is KIND_CPU but lists gpus [0]; list gpus only with KIND_GPU",
                assertThrows(ModelLoadException.class,
                        () -> plan("instance_group [ { kind: KIND_CPU gpus: [ 0 ] } ]", GPU_BUILD)).getMessage());
        assertEquals("instance_group 'm' is KIND_MODEL, which the ONNX Runtime backend does not support; use KIND_CPU"
                + " or KIND_GPU", assertThrows(ModelLoadException.class,
                () -> plan("instance_group [ { kind: KIND_MODEL } ]", GPU_BUILD)).getMessage());
        assertEquals("instance_group 'm' lists gpu 64; GPU ids are 0..63", assertThrows(ModelLoadException.class,
                () -> plan("instance_group [ { kind: KIND_GPU gpus: [ 64 ] } ]", GPU_BUILD)).getMessage());
        assertEquals("instance_group: 80 instances in all; at most 64 per model version",
                assertThrows(ModelLoadException.class, () -> plan(
                        "instance_group [ { kind: KIND_GPU count: 40 gpus: [ 0, 1 ] } ]", GPU_BUILD)).getMessage());
    }

    /** A model directory holding fixed_matmul under the given instance_group. */
    private static Path model(Path root, String name, String instanceGroup) throws Exception {
        Path version = Files.createDirectories(root.resolve(name).resolve("1"));
        Files.copy(ModelRepositoryTest.testModels().resolve("fixed_matmul/1/model.onnx"), version.resolve("model.onnx"));
        Files.writeString(root.resolve(name).resolve("config.pbtxt"), instanceGroup);
        return version;
    }

    @Test
    void theServerReportsTheKindItRunsAndNamesWhatAGpuInstanceNeeds(@TempDir Path root) throws Exception {
        assumeTrue(!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this ONNX Runtime build has the CUDA provider; the CPU-build refusal is not what it does");
        model(root, "on_gpu", "instance_group [ { kind: KIND_GPU } ]");
        model(root, "auto", "instance_group [ { kind: KIND_AUTO count: 2 } ]");
        try (ModelRepository r = ModelRepository.load(root, 1)) {
            Map<String, ModelEntry> index = new java.util.HashMap<>();
            r.index().forEach(e -> index.put(e.name(), e));
            assertEquals(ModelState.UNAVAILABLE, index.get("on_gpu").state());
            assertTrue(index.get("on_gpu").reason().contains("-Pcuda"), index.get("on_gpu").reason());
            InferenceException e = assertThrows(InferenceException.class, () -> r.get("on_gpu", ""));
            assertTrue(e.getMessage().startsWith("model 'on_gpu' is not ready: instance_group 'on_gpu' asks for KIND_GPU"),
                    e.getMessage());
            ServedModel auto = r.get("auto", "");
            assertEquals(ModelInstanceGroup.Kind.KIND_CPU, auto.config().getInstanceGroup(0).getKind());
            assertArrayEquals(new float[]{7, 10, 15, 22}, auto.infer(List.of(
                    Tensor.ofFloats("X", TensorShape.of(2, 2), 1, 2, 3, 4)), List.of()).get().get("Y").floats());
        }
    }

    /** The GPU path itself: runs where the server is built with -Pcuda on a host with a CUDA GPU. */
    @Test
    void aGpuInstanceComputesWhatTheCpuInstanceDoes(@TempDir Path root) throws Exception {
        assumeTrue(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "no CUDA execution provider in this ONNX Runtime build (build with -Pcuda on a GPU host): GPU path not run");
        assumeTrue(Files.exists(Path.of("/dev/nvidia0")), "no NVIDIA GPU on this host (/dev/nvidia0): GPU path not run");
        model(root, "on_gpu", "instance_group [ { kind: KIND_GPU count: 2 } ]");
        model(root, "on_cpu", "instance_group [ { kind: KIND_CPU } ]");
        try (ModelRepository r = ModelRepository.load(root, 1)) {
            assertTrue(r.allReady(), r.index().toString());
            Tensor x = Tensor.ofFloats("X", TensorShape.of(2, 2), 1, 2, 3, 4);
            float[] gpu = r.get("on_gpu", "").infer(List.of(x), List.of()).get().get("Y").floats();
            float[] cpu = r.get("on_cpu", "").infer(List.of(x), List.of()).get().get("Y").floats();
            assertArrayEquals(cpu, gpu, 1e-5f);
        }
    }
}
