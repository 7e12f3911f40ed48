package dev.lucid.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session over a model file. Sessions are independent, so a model with
 * {@code instance_group.count = n} opens n of them and runs n batches at once.
 */
final class OnnxModelFile implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<TensorSpec> graphInputs;
    private final List<TensorSpec> graphOutputs;

    OnnxModelFile(OrtEnvironment env, Path file, int intraOpThreads, InstancePlacement placement)
            throws ModelLoadException {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("model file " + file.getParent().getFileName() + "/" + file.getFileName()
                    + " not found");
        }
        this.env = env;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (intraOpThreads > 0) {
                opts.setIntraOpNumThreads(intraOpThreads);
            }
            opts.setInterOpNumThreads(1);
            // Idle pool threads sleep instead of spinning: with several models and services on few
            // cores, spinning threads steal the CPU that the gRPC and batching threads need.
            opts.addConfigEntry("session.intra_op.allow_spinning", "0");
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (placement.device() == InstancePlacement.Device.CUDA) {
                // Nodes the CUDA provider lacks still run on the CPU provider, as in Triton's ONNX Runtime backend.
                try {
                    opts.addCUDA(placement.gpu());
                } catch (OrtException e) {
                    throw new ModelLoadException("ONNX Runtime's CUDA execution provider did not start for "
                            + file.getParent().getFileName() + "/" + file.getFileName() + " on " + placement
                            + " (it needs an NVIDIA GPU with that id, and CUDA 12 and cuDNN 9 libraries on the"
                            + " library path): " + e.getMessage(), e);
                }
            }
            this.session = env.createSession(file.toString(), opts);
            this.graphInputs = specs(session.getInputInfo());
            this.graphOutputs = specs(session.getOutputInfo());
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX Runtime cannot load " + file.getParent().getFileName() + "/"
                    + file.getFileName() + " on " + placement + ": " + e.getMessage(), e);
        }
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> infos) throws ModelLoadException {
        List<TensorSpec> out = new ArrayList<>();
        for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo ti)) {
                throw new ModelLoadException("graph value '" + e.getKey() + "' is not a tensor");
            }
            DataType t = OrtTensors.dataTypeOf(ti.onnxType);
            if (t == null) {
                throw new ModelLoadException("graph tensor '" + e.getKey() + "' has unsupported type " + ti.onnxType);
            }
            out.add(new TensorSpec(e.getKey(), t, TensorShape.of(ti.getShape())));
        }
        return List.copyOf(out);
    }

    /** The graph's inputs (symbolic dimensions appear as -1). */
    List<TensorSpec> graphInputs() {
        return graphInputs;
    }

    /** The graph's outputs (symbolic dimensions appear as -1). */
    List<TensorSpec> graphOutputs() {
        return graphOutputs;
    }

    /** Runs the session on prepared ORT inputs; the caller closes the inputs. */
    Map<String, Tensor> run(Map<String, OnnxTensor> inputs, Set<String> outputs) throws OrtException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (OrtSession.Result r = session.run(inputs, outputs)) {
            for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
                out.put(e.getKey(), OrtTensors.toTensor(e.getKey(), (OnnxTensor) e.getValue()));
            }
        }
        return out;
    }

    OrtEnvironment env() {
        return env;
    }

    static Map<String, TensorSpec> byName(List<TensorSpec> specs) {
        Map<String, TensorSpec> m = new HashMap<>();
        for (TensorSpec s : specs) {
            m.put(s.name(), s);
        }
        return m;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing a session only fails if it was already closed
        }
    }
}
