package dev.lucid.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KServe v2 HTTP/REST with Triton's binary tensor extension, exercised with plain HTTP requests written
 * from the protocol documents: JSON and binary bodies, and the error cases the gRPC tests cover.
 */
@QuarkusTest
@QuarkusTestResource(TestRepository.class)
class RestApiTest {
    static final String BASE = "http://localhost:18002";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int status, java.net.http.HttpHeaders headers, byte[] body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static Reply get(String path) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), r.headers(), r.body());
    }

    static Reply post(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), r.headers(), r.body());
    }

    static Reply post(String path, String json) throws Exception {
        return post(path, json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    /** Asserts an error answer: the status and a {"error": ...} body containing {@code text}. */
    static void assertError(Reply r, int status, String text) throws Exception {
        assertEquals(status, r.status(), r.text());
        String error = r.json().get("error").asText();
        assertTrue(error.contains(text), error);
    }

    static String addBody(String shape0, String data0, String shape1, String data1) {
        return """
                {"inputs": [
                  {"name": "INPUT0", "datatype": "FP32", "shape": %s, "data": %s},
                  {"name": "INPUT1", "datatype": "FP32", "shape": %s, "data": %s}]}
                """.formatted(shape0, data0, shape1, data1);
    }

    static String ones(int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(Integer.toString(i));
        }
        return "[" + String.join(",", l) + "]";
    }

    @Test
    void serverMetadataAndHealth() throws Exception {
        JsonNode md = get("/v2").json();
        assertEquals("lucid-inference", md.get("name").asText());
        assertEquals("[\"model_configuration\",\"statistics\",\"binary_tensor_data\",\"system_shared_memory\",\"model_repository\"]",
                md.get("extensions").toString());
        assertEquals(200, get("/v2/health/live").status());
        assertEquals(400, get("/v2/health/ready").status(), "broken model directories make the server not ready");
        assertEquals(200, get("/v2/models/simple_add/ready").status());
        assertEquals(200, get("/v2/models/simple_add/versions/2/ready").status());
        assertEquals(400, get("/v2/models/simple_add/versions/1/ready").status());
        assertEquals(400, get("/v2/models/corrupt_model/ready").status());
        assertEquals(400, get("/v2/models/no_such_model/ready").status());
    }

    @Test
    void modelMetadataConfigAndErrors() throws Exception {
        JsonNode md = get("/v2/models/simple_add").json();
        assertEquals("simple_add", md.get("name").asText());
        assertEquals("[\"2\"]", md.get("versions").toString());
        assertEquals("onnxruntime_onnx", md.get("platform").asText());
        assertEquals("{\"name\":\"INPUT0\",\"datatype\":\"FP32\",\"shape\":[-1,16]}", md.get("inputs").get(0).toString());
        assertEquals(md, get("/v2/models/simple_add/versions/2").json());
        assertError(get("/v2/models/simple_add/versions/1"), 404, "served versions are [2]");
        assertError(get("/v2/models/no_such_model"), 404, "unknown model: 'no_such_model'");
        assertError(get("/v2/models/corrupt_model"), 503, "not ready");
        JsonNode config = get("/v2/models/simple_add/config").json();
        assertEquals(8, config.get("max_batch_size").asInt());
        assertEquals("TYPE_FP32", config.get("input").get(0).get("data_type").asText());
        assertError(get("/v2/no/such/endpoint"), 404, "no endpoint GET /v2/no/such/endpoint");
    }

    @Test
    void jsonInferenceWithNestedDataAndId() throws Exception {
        String a = "[" + ones(16) + "," + ones(16) + "]"; // nested rows, as the protocol allows
        Reply r = post("/v2/models/simple_add/infer", """
                {"id": "rest-1", "inputs": [
                  {"name": "INPUT0", "datatype": "FP32", "shape": [2, 16], "data": %s},
                  {"name": "INPUT1", "datatype": "FP32", "shape": [2, 16], "data": %s}],
                 "outputs": [{"name": "OUTPUT0"}]}
                """.formatted(a, ones(32)));
        assertEquals(200, r.status(), r.text());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode j = r.json();
        assertEquals("simple_add", j.get("model_name").asText());
        assertEquals("2", j.get("model_version").asText());
        assertEquals("rest-1", j.get("id").asText());
        assertEquals(1, j.get("outputs").size());
        JsonNode out = j.get("outputs").get(0);
        assertEquals("OUTPUT0", out.get("name").asText());
        assertEquals("FP32", out.get("datatype").asText());
        assertEquals("[2,16]", out.get("shape").toString());
        for (int i = 0; i < 32; i++) {
            assertEquals((i % 16) + i, out.get("data").get(i).asDouble(), 1e-6, "element " + i);
        }
        assertEquals(200, post("/v2/models/simple_add/versions/2/infer", addBody("[1,16]", ones(16), "[1,16]", ones(16)))
                .status());
    }

    @Test
    void bytesBoolAndIntegerTypesInJson() throws Exception {
        Reply r = post("/v2/models/string_echo/infer", """
                {"inputs": [{"name": "TEXT", "datatype": "BYTES", "shape": [2, 1], "data": ["hello", "Wörld"]}]}
                """);
        assertEquals(200, r.status(), r.text());
        for (JsonNode o : r.json().get("outputs")) {
            String expected = o.get("name").asText().equals("UPPER") ? "[\"HELLO\",\"WÖRLD\"]" : "[\"hello\",\"Wörld\"]";
            assertEquals(expected, o.get("data").toString());
        }
        Reply ints = post("/v2/models/int_types/infer", """
                {"inputs": [{"name": "IDS", "datatype": "INT32", "shape": [1, 4], "data": [-3, 0, 5, 2147483647]}]}
                """);
        assertEquals(200, ints.status(), ints.text());
        for (JsonNode o : ints.json().get("outputs")) {
            if (o.get("name").asText().equals("DOUBLED")) {
                assertEquals("[-6,0,10,4294967294]", o.get("data").toString());
            } else {
                assertEquals("[false,false,true,true]", o.get("data").toString());
            }
        }
        assertError(post("/v2/models/int_types/infer", """
                {"inputs": [{"name": "IDS", "datatype": "INT32", "shape": [1, 4], "data": [1, 2, 3, 2147483648]}]}
                """), 400, "2147483648 is outside");
    }

    @Test
    void binaryTensorExtensionInAndOut() throws Exception {
        float[] a = new float[16];
        float[] b = new float[16];
        for (int i = 0; i < 16; i++) {
            a[i] = i * 0.5f;
            b[i] = 10 - i;
        }
        ByteBuffer raw = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : a) {
            raw.putFloat(v);
        }
        StringBuilder bJson = new StringBuilder("[");
        for (int i = 0; i < 16; i++) {
            bJson.append(i == 0 ? "" : ",").append(b[i]);
        }
        String header = """
                {"inputs": [
                  {"name": "INPUT0", "datatype": "FP32", "shape": [1, 16], "parameters": {"binary_data_size": 64}},
                  {"name": "INPUT1", "datatype": "FP32", "shape": [1, 16], "data": %s}],
                 "outputs": [{"name": "OUTPUT0", "parameters": {"binary_data": true}}, {"name": "OUTPUT1"}]}
                """.formatted(bJson.append("]"));
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(h);
        body.write(raw.array());
        Reply r = post("/v2/models/simple_add/infer", body.toByteArray(),
                "Inference-Header-Content-Length", Integer.toString(h.length), "Content-Type", "application/octet-stream");
        assertEquals(200, r.status(), r.text());
        int jsonLength = Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        JsonNode j = JSON.readTree(new String(r.body(), 0, jsonLength, StandardCharsets.UTF_8));
        JsonNode out0 = j.get("outputs").get(0);
        assertEquals("OUTPUT0", out0.get("name").asText());
        assertEquals(64, out0.get("parameters").get("binary_data_size").asInt());
        assertFalse(out0.has("data"));
        assertEquals(jsonLength + 64, r.body().length);
        ByteBuffer sum = ByteBuffer.wrap(r.body(), jsonLength, 64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            assertEquals(a[i] + b[i], sum.getFloat(), 1e-6, "sum " + i);
        }
        JsonNode out1 = j.get("outputs").get(1);
        assertEquals(a[3] - b[3], out1.get("data").get(3).asDouble(), 1e-6);

        // binary_data_output: every output in binary; BYTES use the 4-byte length prefix.
        byte[] hello = {5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'};
        byte[] h2 = """
                {"parameters": {"binary_data_output": true}, "inputs": [
                  {"name": "TEXT", "datatype": "BYTES", "shape": [1, 1], "parameters": {"binary_data_size": 9}}]}
                """.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b2 = new ByteArrayOutputStream();
        b2.write(h2);
        b2.write(hello);
        Reply s = post("/v2/models/string_echo/infer", b2.toByteArray(), "Inference-Header-Content-Length",
                Integer.toString(h2.length));
        assertEquals(200, s.status(), s.text());
        int len = Integer.parseInt(s.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        assertEquals(len + 9 + 9, s.body().length, "ECHO and UPPER, 9 bytes each");
        byte[] tail = java.util.Arrays.copyOfRange(s.body(), len, s.body().length);
        String both = new String(tail, StandardCharsets.UTF_8);
        assertTrue(both.contains("hello") && both.contains("HELLO"), both);
    }

    @Test
    void inferenceErrorsMatchTheGrpcOnes() throws Exception {
        String url = "/v2/models/simple_add/infer";
        Reply shape = post(url, addBody("[1,8]", ones(8), "[1,16]", ones(16)));
        assertError(shape, 400, "unexpected shape for input 'INPUT0' for model 'simple_add'. Expected [-1, 16], got [1, 8]");
        assertError(post(url, """
                {"inputs": [{"name": "INPUT0", "datatype": "INT32", "shape": [1, 16], "data": %s},
                            {"name": "INPUT1", "datatype": "FP32", "shape": [1, 16], "data": %s}]}
                """.formatted(ones(16), ones(16))), 400, "'INPUT0' data-type is 'INT32'");
        assertError(post(url, addBody("[9,16]", ones(144), "[9,16]", ones(144))), 400, "batch-size must be <= 8");
        assertError(post(url, """
                {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [1, 16], "data": %s}]}
                """.formatted(ones(16))), 400, "'INPUT1' is required");
        assertError(post(url, """
                {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [1, 16], "data": %s},
                            {"name": "INPUT1", "datatype": "FP32", "shape": [1, 16], "data": %s}],
                 "outputs": [{"name": "OUTPUT9"}]}
                """.formatted(ones(16), ones(16))), 400, "unexpected inference output 'OUTPUT9'");
        assertError(post(url, addBody("[1,16]", ones(15), "[1,16]", ones(16))), 400,
                "input 'INPUT0': shape needs 16 elements, 'data' has 15");
        assertError(post(url, "{\"inputs\": [}"), 400, "failed to parse the request JSON buffer");
        assertError(post(url, "{}"), 400, "'inputs' array");
        assertError(post("/v2/models/no_such_model/infer", addBody("[1,16]", ones(16), "[1,16]", ones(16))), 404,
                "unknown model: 'no_such_model'");
        assertError(post("/v2/models/simple_add/versions/1/infer", addBody("[1,16]", ones(16), "[1,16]", ones(16))),
                404, "served versions are [2]");
        assertError(post("/v2/models/corrupt_model/infer", """
                {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [1]}]}
                """), 503, "not ready");
    }

    @Test
    void malformedBinaryBodiesAreRefused() throws Exception {
        byte[] h = """
                {"inputs": [{"name": "TEXT", "datatype": "BYTES", "shape": [1, 1], "parameters": {"binary_data_size": 6}}]}
                """.getBytes(StandardCharsets.UTF_8);
        byte[] truncated = {10, 0, 0, 0, 'a', 'b'};
        assertError(post("/v2/models/string_echo/infer", concat(h, truncated), "Inference-Header-Content-Length",
                Integer.toString(h.length)), 400, "declares 10 bytes but only 2 remain");
        byte[] notUtf8 = {2, 0, 0, 0, (byte) 0xff, (byte) 0xfe};
        assertError(post("/v2/models/string_echo/infer", concat(h, notUtf8), "Inference-Header-Content-Length",
                Integer.toString(h.length)), 400, "not valid UTF-8");
        assertError(post("/v2/models/string_echo/infer", concat(h, new byte[]{1, 0, 0, 0, 'a', 'b', 'c'}),
                "Inference-Header-Content-Length", Integer.toString(h.length)), 400, "1 bytes of binary data follow");
        assertError(post("/v2/models/string_echo/infer", concat(h, truncated), "Inference-Header-Content-Length",
                "99999"), 400, "Inference-Header-Content-Length 99999 is outside the body");
        assertError(post("/v2/models/string_echo/infer", concat(h, truncated), "Inference-Header-Content-Length",
                "x"), 400, "must be an integer");
        byte[] big = new byte[2 * 1024 * 1024];
        assertError(post("/v2/models/simple_add/infer", big, "Content-Type", "application/json"), 413,
                "exceeds 1048576 bytes");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void repositoryIndexStatisticsAndMetrics() throws Exception {
        JsonNode all = post("/v2/repository/index", "").json();
        assertTrue(all.isArray());
        boolean sawBroken = false;
        for (JsonNode m : all) {
            if (m.get("name").asText().equals("corrupt_model")) {
                sawBroken = true;
                assertEquals("UNAVAILABLE", m.get("state").asText());
                assertTrue(m.get("reason").asText().startsWith("ONNX Runtime cannot load"));
            }
        }
        assertTrue(sawBroken);
        for (JsonNode m : post("/v2/repository/index", "{\"ready\": true}").json()) {
            assertEquals("READY", m.get("state").asText(), m.toString());
        }
        assertError(post("/v2/repository/index", "{\"repository_name\": \"models\"}"), 501,
                "'repository_name' specification is not supported");

        assertEquals(200, post("/v2/models/half_scale/infer", """
                {"inputs": [{"name": "X", "datatype": "FP16", "shape": [1, 4], "data": [1.5, -0.25, 1000, 0]}]}
                """).status());
        JsonNode stats = get("/v2/models/half_scale/stats").json().get("model_stats").get(0);
        assertEquals("half_scale", stats.get("name").asText());
        JsonNode is = stats.get("inference_stats");
        assertTrue(is.get("success").get("count").asLong() >= 1);
        assertEquals(is.get("success").get("count").asLong(), is.get("compute_infer").get("count").asLong());
        assertTrue(get("/v2/models/stats").json().get("model_stats").size() >= 8);
        Reply metrics = get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.text().contains("nv_inference_count{model=\"half_scale\",version=\"1\"}"));
    }
}
