package dev.lucid.runtime;

import com.google.protobuf.ByteString;
import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorCodec;
import dev.lucid.kserve.TensorFormatException;
import dev.lucid.kserve.TensorShape;
import inference.GrpcService.InferParameter;
import inference.GrpcService.ModelInferRequest;
import inference.GrpcService.ModelInferResponse;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads ModelInfer requests and writes their answers with Triton's rules: raw contents (one entry per
 * input not in shared memory), typed contents, or system shared memory ({@code shared_memory_region},
 * {@code shared_memory_offset}, {@code shared_memory_byte_size} on an input or a requested output). No
 * parameter is ignored: one this server does not act on is refused with its name, and shared-memory
 * parameters are refused when the server has no shared memory.
 */
final class InferMessages {
    static final String REGION = "shared_memory_region";
    static final String OFFSET = "shared_memory_offset";
    static final String SIZE = "shared_memory_byte_size";
    private static final Set<String> SHM_PARAMETERS = Set.of(REGION, OFFSET, SIZE);

    /** Where a requested output goes: a region slice, or null for the response's raw contents. */
    record OutputTarget(String region, long offset, long byteSize) {
    }

    private InferMessages() {
    }

    /**
     * Decodes the inputs.
     *
     * @param shm the registry, or null when this server has no shared memory
     */
    static List<Tensor> inputs(ModelInferRequest request, SharedMemoryRegistry shm) {
        if (request.getParametersCount() > 0) {
            throw InferenceException.invalid("request parameter '" + request.getParametersMap().keySet().iterator().next()
                    + "' is not supported by this server (it takes no request parameters)");
        }
        int inShm = 0;
        for (ModelInferRequest.InferInputTensor in : request.getInputsList()) {
            if (shmTarget("input '" + in.getName() + "'", in.getParametersMap(), shm) != null) {
                inShm++;
            }
        }
        int rawCount = request.getRawInputContentsCount();
        int expectedRaw = request.getInputsCount() - inShm;
        if (rawCount > 0 && rawCount != expectedRaw) {
            throw new TensorFormatException("expected " + expectedRaw + " raw_input_contents entries (one per input"
                    + (inShm > 0 ? " not in shared memory" : "") + "), got " + rawCount);
        }
        List<Tensor> out = new ArrayList<>(request.getInputsCount());
        int raw = 0;
        for (ModelInferRequest.InferInputTensor in : request.getInputsList()) {
            OutputTarget t = shmTarget("input '" + in.getName() + "'", in.getParametersMap(), shm);
            if (t != null) {
                if (in.hasContents()) {
                    throw InferenceException.invalid("input '" + in.getName()
                            + "' has both contents and a shared memory region");
                }
                ByteBuffer data = shm.view(t.region(), t.offset(), t.byteSize());
                out.add(new Tensor(in.getName(), type(in.getName(), in.getDatatype()), TensorShape.of(in.getShapeList()),
                        data));
            } else if (rawCount > 0) {
                if (in.hasContents()) {
                    throw new TensorFormatException("contents field must not be specified when using "
                            + "raw_input_contents for '" + in.getName() + "'");
                }
                out.add(TensorCodec.fromRaw(in.getName(), in.getDatatype(), in.getShapeList(),
                        request.getRawInputContents(raw++)));
            } else {
                out.add(TensorCodec.fromContents(in.getName(), in.getDatatype(), in.getShapeList(), in.getContents()));
            }
        }
        return out;
    }

    /** The requested outputs' targets by name (null target: in the response), in request order. */
    static Map<String, OutputTarget> outputs(ModelInferRequest request, SharedMemoryRegistry shm) {
        Map<String, OutputTarget> out = new LinkedHashMap<>();
        for (ModelInferRequest.InferRequestedOutputTensor o : request.getOutputsList()) {
            OutputTarget t = shmTarget("output '" + o.getName() + "'", o.getParametersMap(), shm);
            if (t != null) {
                shm.view(t.region(), t.offset(), t.byteSize()); // refuses unknown regions and bounds before running
            }
            out.put(o.getName(), t);
        }
        List<OutputTarget> placed = out.values().stream().filter(java.util.Objects::nonNull).toList();
        for (int i = 0; i < placed.size(); i++) {
            for (int j = i + 1; j < placed.size(); j++) {
                OutputTarget a = placed.get(i);
                OutputTarget b = placed.get(j);
                if (a.region().equals(b.region()) && a.offset() < b.offset() + b.byteSize()
                        && b.offset() < a.offset() + a.byteSize()) {
                    throw InferenceException.invalid("outputs overlap in shared memory region '" + a.region()
                            + "': [" + a.offset() + ", " + (a.offset() + a.byteSize()) + ") and [" + b.offset() + ", "
                            + (b.offset() + b.byteSize()) + ")");
                }
            }
        }
        return out;
    }

    /** Builds the answer; outputs placed in shared memory are written there and answered with an empty entry. */
    static ModelInferResponse response(ModelInferRequest request, ServedModel model, Map<String, Tensor> outputs,
                                       Map<String, OutputTarget> targets, SharedMemoryRegistry shm) {
        ModelInferResponse.Builder b = ModelInferResponse.newBuilder()
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setId(request.getId());
        for (Tensor t : outputs.values()) {
            OutputTarget target = targets.get(t.name());
            if (target == null) {
                TensorCodec.addRawOutput(b, t);
                continue;
            }
            if (t.byteSize() > target.byteSize()) {
                throw InferenceException.invalid("shared memory size specified with the request for output '" + t.name()
                        + "' (" + target.byteSize() + " bytes) should be at least " + t.byteSize()
                        + " bytes to hold the results");
            }
            shm.view(target.region(), target.offset(), t.byteSize()).put(t.rawData());
            b.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(t.name())
                    .setDatatype(t.dataType().wireName())
                    .addAllShape(TensorCodec.boxed(t.shape()))
                    .putParameters(REGION, InferParameter.newBuilder().setStringParam(target.region()).build())
                    .putParameters(SIZE, InferParameter.newBuilder().setInt64Param(t.byteSize()).build()));
            b.addRawOutputContents(ByteString.EMPTY); // keeps raw_output_contents aligned with outputs
        }
        return b.build();
    }

    /** The shared-memory placement a tensor's parameters ask for, or null; refuses any other parameter. */
    private static OutputTarget shmTarget(String what, Map<String, InferParameter> params, SharedMemoryRegistry shm) {
        for (String k : params.keySet()) {
            if (!SHM_PARAMETERS.contains(k)) {
                throw InferenceException.invalid(what + ": parameter '" + k + "' is not supported by this server"
                        + (k.equals("classification") ? " (the classification extension is not implemented)" : ""));
            }
        }
        if (params.isEmpty()) {
            return null;
        }
        if (shm == null) {
            throw new InferenceException(io.grpc.Status.Code.UNIMPLEMENTED, what + ": parameter '"
                    + params.keySet().iterator().next() + "' needs system shared memory, which this server does not offer");
        }
        InferParameter region = params.get(REGION);
        InferParameter size = params.get(SIZE);
        if (region == null || region.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.STRING_PARAM) {
            throw InferenceException.invalid(what + ": shared memory parameters need '" + REGION + "' as a string");
        }
        if (size == null || size.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM
                && size.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.UINT64_PARAM) {
            throw InferenceException.invalid(what + ": shared memory parameters need '" + SIZE + "' as an integer");
        }
        InferParameter offset = params.get(OFFSET);
        long off = 0;
        if (offset != null) {
            if (offset.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM
                    && offset.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.UINT64_PARAM) {
                throw InferenceException.invalid(what + ": '" + OFFSET + "' must be an integer");
            }
            off = offset.getInt64Param() + offset.getUint64Param();
        }
        long bytes = size.getInt64Param() + size.getUint64Param();
        if (off < 0 || bytes < 0) {
            throw InferenceException.invalid(what + ": '" + OFFSET + "' and '" + SIZE + "' must be >= 0");
        }
        return new OutputTarget(region.getStringParam(), off, bytes);
    }

    private static DataType type(String name, String datatype) {
        try {
            return DataType.fromWire(datatype);
        } catch (IllegalArgumentException e) {
            throw new TensorFormatException("tensor '" + name + "': unknown datatype '" + datatype + "'");
        }
    }
}
