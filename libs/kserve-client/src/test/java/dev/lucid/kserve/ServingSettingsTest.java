package dev.lucid.kserve;

import com.google.protobuf.TextFormat;
import inference.ModelConfigOuterClass.ModelConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ServingSettingsTest {

    private static final String MODEL = """
            name: "denoiser" platform: "onnxruntime_onnx" max_batch_size: 256
            input [ { name: "sample" data_type: TYPE_FP32 dims: [ 3, 32, 32 ] } ]
            output [ { name: "model_output" data_type: TYPE_FP32 dims: [ 3, 32, 32 ] } ]
            parameters { key: "prediction_type" value: { string_value: "v_prediction" } }
            """;

    private static ModelConfig config(String text) throws Exception {
        ModelConfig.Builder b = ModelConfig.newBuilder();
        TextFormat.merge(text, b);
        return b.build();
    }

    @Test
    void serving2CoresAnd64CoresGiveTheSameStrippedConfig() throws Exception {
        ModelConfig small = config(MODEL + """
                instance_group [ { kind: KIND_CPU count: 2 } ]
                dynamic_batching { max_queue_delay_microseconds: 2000 }
                parameters { key: "intra_op_thread_count" value: { string_value: "1" } }
                """);
        ModelConfig large = config(MODEL + """
                instance_group [ { kind: KIND_CPU count: 8 }, { kind: KIND_GPU count: 1 gpus: [ 0 ] } ]
                version_policy { latest { num_versions: 2 } }
                model_warmup [ { name: "w" batch_size: 1 } ]
                metric_tags { key: "team" value: "a" }
                parameters { key: "inter_op_thread_count" value: { string_value: "4" } }
                """);
        assertEquals(ServingSettings.strip(config(MODEL)), ServingSettings.strip(small));
        assertEquals(ServingSettings.strip(config(MODEL)), ServingSettings.strip(large));
        assertEquals(config(MODEL), ServingSettings.strip(config(MODEL)), "a config with no serving settings is unchanged");
    }

    @Test
    void whatDecidesTheOutputsStays() throws Exception {
        ModelConfig base = ServingSettings.strip(config(MODEL));
        assertNotEquals(base, ServingSettings.strip(config(MODEL.replace("v_prediction", "epsilon"))));
        assertNotEquals(base, ServingSettings.strip(config(MODEL.replace("\"sample\" data_type: TYPE_FP32 dims: [ 3, 32, 32 ]",
                "\"sample\" data_type: TYPE_FP32 dims: [ 3, 64, 64 ]"))));
        assertNotEquals(base, ServingSettings.strip(config(MODEL.replace("onnxruntime_onnx", "tensorrt_plan"))));
    }
}
