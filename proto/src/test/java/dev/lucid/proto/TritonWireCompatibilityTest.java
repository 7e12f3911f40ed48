package dev.lucid.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import inference.GrpcService;
import inference.ModelConfigOuterClass;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks Lucid's copies of Triton's protos against the field numbers and types of Triton's
 * grpc_service.proto and model_config.proto, written out here independently of the generated
 * classes, so a renumbered or retyped field fails the build.
 */
class TritonWireCompatibilityTest {
    private static final FileDescriptor SERVICE = GrpcService.getDescriptor();
    private static final FileDescriptor CONFIG = ModelConfigOuterClass.getDescriptor();

    /** "message.path field number type [repeated]" lines, as in Triton's protos. */
    private static final String[] EXPECTED = {
            "ServerLiveResponse live 1 bool",
            "ServerReadyResponse ready 1 bool",
            "ModelReadyRequest name 1 string", "ModelReadyRequest version 2 string",
            "ModelReadyResponse ready 1 bool",
            "ServerMetadataResponse name 1 string", "ServerMetadataResponse version 2 string",
            "ServerMetadataResponse extensions 3 string repeated",
            "ModelMetadataRequest name 1 string", "ModelMetadataRequest version 2 string",
            "ModelMetadataResponse.TensorMetadata name 1 string",
            "ModelMetadataResponse.TensorMetadata datatype 2 string",
            "ModelMetadataResponse.TensorMetadata shape 3 int64 repeated",
            "ModelMetadataResponse name 1 string", "ModelMetadataResponse versions 2 string repeated",
            "ModelMetadataResponse platform 3 string",
            "ModelMetadataResponse inputs 4 message repeated", "ModelMetadataResponse outputs 5 message repeated",
            "InferParameter bool_param 1 bool", "InferParameter int64_param 2 int64",
            "InferParameter string_param 3 string", "InferParameter double_param 4 double",
            "InferParameter uint64_param 5 uint64",
            "InferTensorContents bool_contents 1 bool repeated", "InferTensorContents int_contents 2 int32 repeated",
            "InferTensorContents int64_contents 3 int64 repeated", "InferTensorContents uint_contents 4 uint32 repeated",
            "InferTensorContents uint64_contents 5 uint64 repeated", "InferTensorContents fp32_contents 6 float repeated",
            "InferTensorContents fp64_contents 7 double repeated", "InferTensorContents bytes_contents 8 bytes repeated",
            "ModelInferRequest.InferInputTensor name 1 string", "ModelInferRequest.InferInputTensor datatype 2 string",
            "ModelInferRequest.InferInputTensor shape 3 int64 repeated",
            "ModelInferRequest.InferInputTensor parameters 4 message repeated",
            "ModelInferRequest.InferInputTensor contents 5 message",
            "ModelInferRequest.InferRequestedOutputTensor name 1 string",
            "ModelInferRequest.InferRequestedOutputTensor parameters 2 message repeated",
            "ModelInferRequest model_name 1 string", "ModelInferRequest model_version 2 string",
            "ModelInferRequest id 3 string", "ModelInferRequest parameters 4 message repeated",
            "ModelInferRequest inputs 5 message repeated", "ModelInferRequest outputs 6 message repeated",
            "ModelInferRequest raw_input_contents 7 bytes repeated",
            "ModelInferResponse.InferOutputTensor name 1 string", "ModelInferResponse.InferOutputTensor datatype 2 string",
            "ModelInferResponse.InferOutputTensor shape 3 int64 repeated",
            "ModelInferResponse.InferOutputTensor parameters 4 message repeated",
            "ModelInferResponse.InferOutputTensor contents 5 message",
            "ModelInferResponse model_name 1 string", "ModelInferResponse model_version 2 string",
            "ModelInferResponse id 3 string", "ModelInferResponse parameters 4 message repeated",
            "ModelInferResponse outputs 5 message repeated", "ModelInferResponse raw_output_contents 6 bytes repeated",
            "ModelStreamInferResponse error_message 1 string", "ModelStreamInferResponse infer_response 2 message",
            "ModelConfigRequest name 1 string", "ModelConfigRequest version 2 string",
            "ModelConfigResponse config 1 message",
            "ModelStatisticsRequest name 1 string", "ModelStatisticsRequest version 2 string",
            "StatisticDuration count 1 uint64", "StatisticDuration ns 2 uint64",
            "InferStatistics success 1 message", "InferStatistics fail 2 message", "InferStatistics queue 3 message",
            "InferStatistics compute_input 4 message", "InferStatistics compute_infer 5 message",
            "InferStatistics compute_output 6 message", "InferStatistics cache_hit 7 message",
            "InferStatistics cache_miss 8 message",
            "InferBatchStatistics batch_size 1 uint64", "InferBatchStatistics compute_input 2 message",
            "InferBatchStatistics compute_infer 3 message", "InferBatchStatistics compute_output 4 message",
            "ModelStatistics name 1 string", "ModelStatistics version 2 string",
            "ModelStatistics last_inference 3 uint64", "ModelStatistics inference_count 4 uint64",
            "ModelStatistics execution_count 5 uint64", "ModelStatistics inference_stats 6 message",
            "ModelStatistics batch_stats 7 message repeated", "ModelStatistics memory_usage 8 message repeated",
            "ModelStatistics response_stats 9 message repeated",
            "ModelStatisticsResponse model_stats 1 message repeated",
            "RepositoryIndexRequest repository_name 1 string", "RepositoryIndexRequest ready 2 bool",
            "RepositoryIndexResponse.ModelIndex name 1 string", "RepositoryIndexResponse.ModelIndex version 2 string",
            "RepositoryIndexResponse.ModelIndex state 3 string", "RepositoryIndexResponse.ModelIndex reason 4 string",
            "RepositoryIndexResponse models 1 message repeated",
            "RepositoryModelLoadRequest repository_name 1 string", "RepositoryModelLoadRequest model_name 2 string",
            "RepositoryModelLoadRequest parameters 3 message repeated",
            "ModelRepositoryParameter bool_param 1 bool", "ModelRepositoryParameter int64_param 2 int64",
            "ModelRepositoryParameter string_param 3 string", "ModelRepositoryParameter bytes_param 4 bytes",
    };

    private static final String[] EXPECTED_CONFIG = {
            "ModelConfig name 1 string", "ModelConfig platform 2 string", "ModelConfig backend 17 string",
            "ModelConfig runtime 25 string", "ModelConfig version_policy 3 message",
            "ModelConfig max_batch_size 4 int32", "ModelConfig input 5 message repeated",
            "ModelConfig output 6 message repeated", "ModelConfig batch_input 20 message repeated",
            "ModelConfig batch_output 21 message repeated", "ModelConfig optimization 12 message",
            "ModelConfig dynamic_batching 11 message", "ModelConfig sequence_batching 13 message",
            "ModelConfig ensemble_scheduling 15 message", "ModelConfig instance_group 7 message repeated",
            "ModelConfig default_model_filename 8 string", "ModelConfig cc_model_filenames 9 message repeated",
            "ModelConfig metric_tags 10 message repeated", "ModelConfig parameters 14 message repeated",
            "ModelConfig model_warmup 16 message repeated", "ModelConfig model_operations 18 message",
            "ModelConfig model_transaction_policy 19 message", "ModelConfig model_repository_agents 23 message",
            "ModelConfig response_cache 24 message", "ModelConfig model_metrics 26 message",
            "ModelInput name 1 string", "ModelInput data_type 2 enum", "ModelInput format 3 enum",
            "ModelInput dims 4 int64 repeated", "ModelInput reshape 5 message", "ModelInput is_shape_tensor 6 bool",
            "ModelInput allow_ragged_batch 7 bool", "ModelInput optional 8 bool",
            "ModelInput is_non_linear_format_io 9 bool",
            "ModelOutput name 1 string", "ModelOutput data_type 2 enum", "ModelOutput dims 3 int64 repeated",
            "ModelOutput label_filename 4 string", "ModelOutput reshape 5 message", "ModelOutput is_shape_tensor 6 bool",
            "ModelOutput is_non_linear_format_io 7 bool",
            "ModelTensorReshape shape 1 int64 repeated",
            "ModelDynamicBatching preferred_batch_size 1 int32 repeated",
            "ModelDynamicBatching max_queue_delay_microseconds 2 uint64", "ModelDynamicBatching preserve_ordering 3 bool",
            "ModelDynamicBatching priority_levels 4 uint64", "ModelDynamicBatching default_priority_level 5 uint64",
            "ModelDynamicBatching default_queue_policy 6 message",
            "ModelDynamicBatching priority_queue_policy 7 message repeated",
            "ModelQueuePolicy timeout_action 1 enum", "ModelQueuePolicy default_timeout_microseconds 2 uint64",
            "ModelQueuePolicy allow_timeout_override 3 bool", "ModelQueuePolicy max_queue_size 4 uint32",
            "ModelInstanceGroup name 1 string", "ModelInstanceGroup kind 4 enum", "ModelInstanceGroup count 2 int32",
            "ModelInstanceGroup rate_limiter 6 message", "ModelInstanceGroup gpus 3 int32 repeated",
            "ModelInstanceGroup secondary_devices 8 message repeated", "ModelInstanceGroup profile 5 string repeated",
            "ModelInstanceGroup passive 7 bool", "ModelInstanceGroup host_policy 9 string",
            "ModelVersionPolicy latest 1 message", "ModelVersionPolicy all 2 message",
            "ModelVersionPolicy specific 3 message", "ModelVersionPolicy.Latest num_versions 1 uint32",
            "ModelVersionPolicy.Specific versions 1 int64 repeated",
            "ModelParameter string_value 1 string", "ModelResponseCache enable 1 bool",
    };

    @Test
    void packageAndServiceNameAreTritons() {
        assertEquals("inference", SERVICE.getPackage());
        assertEquals("inference", CONFIG.getPackage());
        ServiceDescriptor svc = SERVICE.findServiceByName("GRPCInferenceService");
        assertNotNull(svc);
        assertEquals("inference.GRPCInferenceService", svc.getFullName());
        List<String> rpcs = new ArrayList<>();
        for (MethodDescriptor m : svc.getMethods()) {
            rpcs.add(m.getName() + "(" + m.getInputType().getName() + ")" + m.getOutputType().getName()
                    + (m.isClientStreaming() ? " cs" : "") + (m.isServerStreaming() ? " ss" : ""));
        }
        assertEquals(List.of(
                "ServerLive(ServerLiveRequest)ServerLiveResponse",
                "ServerReady(ServerReadyRequest)ServerReadyResponse",
                "ModelReady(ModelReadyRequest)ModelReadyResponse",
                "ServerMetadata(ServerMetadataRequest)ServerMetadataResponse",
                "ModelMetadata(ModelMetadataRequest)ModelMetadataResponse",
                "ModelInfer(ModelInferRequest)ModelInferResponse",
                "ModelStreamInfer(ModelInferRequest)ModelStreamInferResponse cs ss",
                "ModelConfig(ModelConfigRequest)ModelConfigResponse",
                "ModelStatistics(ModelStatisticsRequest)ModelStatisticsResponse",
                "RepositoryIndex(RepositoryIndexRequest)RepositoryIndexResponse",
                "RepositoryModelLoad(RepositoryModelLoadRequest)RepositoryModelLoadResponse",
                "RepositoryModelUnload(RepositoryModelUnloadRequest)RepositoryModelUnloadResponse",
                "SystemSharedMemoryStatus(SystemSharedMemoryStatusRequest)SystemSharedMemoryStatusResponse",
                "SystemSharedMemoryRegister(SystemSharedMemoryRegisterRequest)SystemSharedMemoryRegisterResponse",
                "SystemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest)SystemSharedMemoryUnregisterResponse",
                "CudaSharedMemoryStatus(CudaSharedMemoryStatusRequest)CudaSharedMemoryStatusResponse",
                "CudaSharedMemoryRegister(CudaSharedMemoryRegisterRequest)CudaSharedMemoryRegisterResponse",
                "CudaSharedMemoryUnregister(CudaSharedMemoryUnregisterRequest)CudaSharedMemoryUnregisterResponse",
                "TraceSetting(TraceSettingRequest)TraceSettingResponse",
                "LogSettings(LogSettingsRequest)LogSettingsResponse"), rpcs);
    }

    @Test
    void everyFieldHasTritonsNumberAndType() {
        checkAll(SERVICE, EXPECTED);
        checkAll(CONFIG, EXPECTED_CONFIG);
    }

    private static void checkAll(FileDescriptor file, String[] lines) {
        for (String line : lines) {
            String[] p = line.split(" ");
            Descriptor d = find(file, p[0]);
            FieldDescriptor f = d.findFieldByName(p[1]);
            assertNotNull(f, line + ": field missing");
            assertEquals(Integer.parseInt(p[2]), f.getNumber(), line + ": number");
            assertEquals(p[3], f.getType().name().toLowerCase(), line + ": type");
            assertEquals(p.length > 4 && p[4].equals("repeated"), f.isRepeated(), line + ": label");
        }
    }

    private static Descriptor find(FileDescriptor file, String path) {
        String[] parts = path.split("\\.");
        Descriptor d = file.findMessageTypeByName(parts[0]);
        assertNotNull(d, path);
        for (int i = 1; i < parts.length; i++) {
            d = d.findNestedTypeByName(parts[i]);
            assertNotNull(d, path);
        }
        return d;
    }

    @Test
    void dataTypeEnumValuesAreTritons() {
        String[] names = {"TYPE_INVALID", "TYPE_BOOL", "TYPE_UINT8", "TYPE_UINT16", "TYPE_UINT32", "TYPE_UINT64",
                "TYPE_INT8", "TYPE_INT16", "TYPE_INT32", "TYPE_INT64", "TYPE_FP16", "TYPE_FP32", "TYPE_FP64",
                "TYPE_STRING", "TYPE_BF16"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(i, CONFIG.findEnumTypeByName("DataType").findValueByName(names[i]).getNumber(), names[i]);
        }
        assertEquals(2, ModelConfigOuterClass.ModelInstanceGroup.Kind.KIND_CPU.getNumber());
        assertEquals(1, ModelConfigOuterClass.ModelInstanceGroup.Kind.KIND_GPU.getNumber());
    }

    @Test
    void handEncodedInferRequestDecodes() throws IOException {
        // An InferInputTensor {name=1:"x", datatype=2:"FP32", shape=3:[1,2] packed}.
        ByteArrayOutputStream tensor = new ByteArrayOutputStream();
        CodedOutputStream t = CodedOutputStream.newInstance(tensor);
        t.writeString(1, "x");
        t.writeString(2, "FP32");
        t.writeTag(3, 2);
        t.writeUInt32NoTag(2);
        t.writeInt64NoTag(1);
        t.writeInt64NoTag(2);
        t.flush();
        byte[] raw = {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}; // 1.0f, 2.0f little-endian
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        CodedOutputStream r = CodedOutputStream.newInstance(req);
        r.writeString(1, "simple");      // model_name
        r.writeString(2, "3");           // model_version
        r.writeString(3, "id-1");        // id
        r.writeByteArray(5, tensor.toByteArray()); // inputs
        r.writeByteArray(6, encodeName("y")); // outputs
        r.writeByteArray(7, raw);        // raw_input_contents
        r.flush();
        GrpcService.ModelInferRequest parsed = GrpcService.ModelInferRequest.parseFrom(req.toByteArray());
        assertEquals("simple", parsed.getModelName());
        assertEquals("3", parsed.getModelVersion());
        assertEquals("id-1", parsed.getId());
        assertEquals("x", parsed.getInputs(0).getName());
        assertEquals(List.of(1L, 2L), parsed.getInputs(0).getShapeList());
        assertEquals("y", parsed.getOutputs(0).getName());
        assertEquals(ByteString.copyFrom(raw), parsed.getRawInputContents(0));
        assertTrue(parsed.getUnknownFields().asMap().isEmpty(), "no field landed in unknown fields");
    }

    @Test
    void generatedResponseEncodesWithTritonsNumbers() throws IOException {
        byte[] bytes = GrpcService.ModelInferResponse.newBuilder().setModelName("m")
                .addRawOutputContents(ByteString.copyFromUtf8("ab")).build().toByteArray();
        // field 1 (len-delimited) "m", then field 6 (len-delimited) "ab".
        assertEquals(List.of((byte) 0x0a, (byte) 1, (byte) 'm', (byte) 0x32, (byte) 2, (byte) 'a', (byte) 'b'),
                toList(bytes));
    }

    private static byte[] encodeName(String name) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        o.writeString(1, name);
        o.flush();
        return b.toByteArray();
    }

    private static List<Byte> toList(byte[] b) {
        List<Byte> l = new ArrayList<>();
        for (byte x : b) {
            l.add(x);
        }
        return l;
    }
}
