package dev.lucid.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.lucid.kserve.TensorFormatException;
import dev.lucid.runtime.InferenceException;
import dev.lucid.runtime.InferenceGrpcService;
import inference.GrpcService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * KServe v2 HTTP/REST with Triton's extensions, on the HTTP port. Every endpoint translates to the gRPC
 * message and calls the same {@link InferenceGrpcService}, so both protocols validate alike and answer
 * with the same messages. Errors are {@code {"error": "..."}} with Triton's status mapping: NOT_FOUND 404,
 * UNAVAILABLE (and a full queue) 503, UNIMPLEMENTED 501, INTERNAL 500, other refusals 400; bodies over
 * {@code lucid.inference.max-http-body-bytes} 413. Prometheus metrics are also served at {@code /metrics},
 * where Triton serves them.
 */
@ApplicationScoped
public class RestApi {
    private static final Logger LOG = Logger.getLogger(RestApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "/v2/models/:model";
    private static final String VERSION = "/v2/models/:model/versions/:version";

    private final InferenceApi api;
    private final InferenceConfig config;

    RestApi(InferenceApi api, InferenceConfig config) {
        this.api = api;
        this.config = config;
    }

    void routes(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxHttpBodyBytes());
        router.route("/v2/*").failureHandler(this::failure);
        router.post("/v2/*").handler(body);
        router.get("/metrics").handler(ctx -> ctx.reroute("/q/metrics"));

        router.get("/v2").handler(ctx -> unary(ctx, service()::serverMetadata,
                GrpcService.ServerMetadataRequest.getDefaultInstance(), ProtoJson::toJson));
        router.get("/v2/health/live").handler(ctx -> unary(ctx, service()::serverLive,
                GrpcService.ServerLiveRequest.getDefaultInstance(), r -> health(ctx, r.getLive())));
        router.get("/v2/health/ready").handler(ctx -> unary(ctx, service()::serverReady,
                GrpcService.ServerReadyRequest.getDefaultInstance(), r -> health(ctx, r.getReady())));
        for (String base : new String[]{MODEL, VERSION}) {
            router.get(base).handler(ctx -> unary(ctx, service()::modelMetadata,
                    GrpcService.ModelMetadataRequest.newBuilder().setName(model(ctx)).setVersion(version(ctx)).build(),
                    ProtoJson::toJson));
            router.get(base + "/ready").handler(ctx -> unary(ctx, service()::modelReady,
                    GrpcService.ModelReadyRequest.newBuilder().setName(model(ctx)).setVersion(version(ctx)).build(),
                    r -> health(ctx, r.getReady())));
            router.get(base + "/config").handler(ctx -> unary(ctx, service()::modelConfig,
                    GrpcService.ModelConfigRequest.newBuilder().setName(model(ctx)).setVersion(version(ctx)).build(),
                    r -> ProtoJson.toJson(r.getConfig())));
            router.get(base + "/stats").handler(ctx -> unary(ctx, service()::modelStatistics,
                    GrpcService.ModelStatisticsRequest.newBuilder().setName(model(ctx)).setVersion(version(ctx)).build(),
                    ProtoJson::toJson));
            router.post(base + "/infer").handler(this::infer);
        }
        router.get("/v2/models/stats").order(-1).handler(ctx -> unary(ctx, service()::modelStatistics,
                GrpcService.ModelStatisticsRequest.getDefaultInstance(), ProtoJson::toJson));
        router.post("/v2/repository/index").handler(this::index);
        router.post("/v2/repository/models/:model/load").handler(ctx -> modelControl(ctx, true));
        router.post("/v2/repository/models/:model/unload").handler(ctx -> modelControl(ctx, false));
        router.get("/v2/systemsharedmemory/status").handler(ctx -> shmStatus(ctx, ""));
        router.get("/v2/systemsharedmemory/region/:region/status").handler(ctx -> shmStatus(ctx, ctx.pathParam("region")));
        router.post("/v2/systemsharedmemory/region/:region/register").handler(this::shmRegister);
        router.post("/v2/systemsharedmemory/region/:region/unregister").handler(ctx -> unary(ctx,
                service()::systemSharedMemoryUnregister, GrpcService.SystemSharedMemoryUnregisterRequest.newBuilder()
                        .setName(ctx.pathParam("region")).build(), r -> JSON.createObjectNode()));
        router.post("/v2/systemsharedmemory/unregister").handler(ctx -> unary(ctx,
                service()::systemSharedMemoryUnregister, GrpcService.SystemSharedMemoryUnregisterRequest.getDefaultInstance(),
                r -> JSON.createObjectNode()));
        router.route("/v2/cudasharedmemory/*").handler(ctx -> error(ctx, 501,
                "CUDA shared memory is not supported: this server runs on CPU"));
        router.route("/v2/*").last().handler(ctx -> error(ctx, 404,
                "no endpoint " + ctx.request().method() + " " + ctx.request().path()));
    }

    private InferenceGrpcService service() {
        return api.service();
    }

    private static String model(RoutingContext ctx) {
        return ctx.pathParam("model");
    }

    private static String version(RoutingContext ctx) {
        String v = ctx.pathParam("version");
        return v == null ? "" : v;
    }

    /** Health answers: 200 with an empty body when true, 400 when false (as Triton). */
    private static JsonNode health(RoutingContext ctx, boolean ok) {
        ctx.response().setStatusCode(ok ? 200 : 400).end();
        return null;
    }

    private void index(RoutingContext ctx) {
        GrpcService.RepositoryIndexRequest.Builder req = GrpcService.RepositoryIndexRequest.newBuilder();
        JsonNode body = jsonBody(ctx);
        if (body != null) {
            if (body.has("ready")) {
                if (!body.get("ready").isBoolean()) {
                    error(ctx, 400, "'ready' must be true or false");
                    return;
                }
                req.setReady(body.get("ready").booleanValue());
            }
            if (body.has("repository_name")) {
                req.setRepositoryName(body.get("repository_name").asText());
            }
        }
        unary(ctx, service()::repositoryIndex, req.build(), r -> {
            ArrayNode a = JSON.createArrayNode();
            r.getModelsList().forEach(m -> a.add(ProtoJson.toJson(m)));
            return a;
        });
    }

    /** Load or unload; a body's "parameters" are passed on (and refused there: none is supported). */
    private void modelControl(RoutingContext ctx, boolean load) {
        JsonNode body = jsonBody(ctx);
        java.util.Map<String, GrpcService.ModelRepositoryParameter> params = new java.util.LinkedHashMap<>();
        if (body != null && body.has("parameters")) {
            body.get("parameters").fieldNames().forEachRemaining(k -> params.put(k,
                    GrpcService.ModelRepositoryParameter.newBuilder().setStringParam(body.get("parameters").get(k).toString())
                            .build()));
        }
        if (load) {
            unary(ctx, service()::repositoryModelLoad, GrpcService.RepositoryModelLoadRequest.newBuilder()
                    .setModelName(model(ctx)).putAllParameters(params).build(), r -> JSON.createObjectNode());
        } else {
            unary(ctx, service()::repositoryModelUnload, GrpcService.RepositoryModelUnloadRequest.newBuilder()
                    .setModelName(model(ctx)).putAllParameters(params).build(), r -> JSON.createObjectNode());
        }
    }

    private void shmStatus(RoutingContext ctx, String region) {
        unary(ctx, service()::systemSharedMemoryStatus,
                GrpcService.SystemSharedMemoryStatusRequest.newBuilder().setName(region).build(), r -> {
                    ArrayNode a = JSON.createArrayNode();
                    r.getRegionsMap().values().forEach(s -> a.add(ProtoJson.toJson(s)));
                    return a;
                });
    }

    private void shmRegister(RoutingContext ctx) {
        JsonNode body = jsonBody(ctx);
        if (body == null || !body.isObject() || !body.path("key").isTextual() || !body.path("byte_size").canConvertToLong()
                || !body.path("byte_size").isIntegralNumber()
                || body.has("offset") && !(body.get("offset").isIntegralNumber() && body.get("offset").canConvertToLong())) {
            error(ctx, 400, "register needs a JSON object with 'key' (string), 'byte_size' and optional 'offset' (integers)");
            return;
        }
        unary(ctx, service()::systemSharedMemoryRegister, GrpcService.SystemSharedMemoryRegisterRequest.newBuilder()
                .setName(ctx.pathParam("region")).setKey(body.get("key").textValue())
                .setOffset(body.path("offset").asLong(0)).setByteSize(body.get("byte_size").asLong()).build(),
                r -> JSON.createObjectNode());
    }

    private void infer(RoutingContext ctx) {
        String encoding = ctx.request().getHeader("Content-Encoding");
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            error(ctx, 400, "unsupported Content-Encoding '" + encoding + "'; send the body uncompressed");
            return;
        }
        RestInferCodec.Parsed parsed;
        try {
            Buffer b = ctx.body().buffer();
            parsed = RestInferCodec.parse(model(ctx), version(ctx), b == null ? new byte[0] : b.getBytes(),
                    ctx.request().getHeader(RestInferCodec.HEADER_LENGTH));
        } catch (RuntimeException e) {
            fail(ctx, e);
            return;
        }
        UnaryCall.call(service()::modelInfer, parsed.request()).whenComplete((r, e) -> {
            if (e != null) {
                fail(ctx, e);
                return;
            }
            RestInferCodec.Encoded out;
            try {
                out = RestInferCodec.encode(r, parsed);
            } catch (RuntimeException x) {
                fail(ctx, x);
                return;
            }
            HttpServerResponse resp = ctx.response().setStatusCode(200);
            if (out.binary().isEmpty()) {
                resp.putHeader("Content-Type", "application/json").end(Buffer.buffer(out.json()));
                return;
            }
            Buffer all = Buffer.buffer((int) out.totalLength()).appendBytes(out.json());
            for (ByteString t : out.binary()) {
                all.appendBytes(t.toByteArray());
            }
            resp.putHeader("Content-Type", "application/octet-stream")
                    .putHeader(RestInferCodec.HEADER_LENGTH, Integer.toString(out.json().length)).end(all);
        });
    }

    private static JsonNode jsonBody(RoutingContext ctx) {
        Buffer b = ctx.body().buffer();
        if (b == null || b.length() == 0) {
            return null;
        }
        try {
            return JSON.readTree(b.getBytes());
        } catch (IOException e) {
            throw InferenceException.invalid("failed to parse the request JSON buffer: " + e.getMessage());
        }
    }

    /** Calls a gRPC handler and answers with the JSON the converter makes (null: it answered itself). */
    private <Q, T extends Message> void unary(RoutingContext ctx,
                                              java.util.function.BiConsumer<Q, io.grpc.stub.StreamObserver<T>> handler,
                                              Q request, Function<T, JsonNode> toJson) {
        CompletableFuture<T> f = UnaryCall.call(handler, request);
        f.whenComplete((r, e) -> {
            if (e != null) {
                fail(ctx, e);
                return;
            }
            JsonNode json = toJson.apply(r);
            if (json != null) {
                ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(json.toString());
            }
        });
    }

    private void failure(RoutingContext ctx) {
        if (ctx.statusCode() == 413) {
            error(ctx, 413, "request body exceeds " + config.maxHttpBodyBytes()
                    + " bytes (lucid.inference.max-http-body-bytes)");
        } else if (ctx.failure() != null) {
            fail(ctx, ctx.failure());
        } else {
            error(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500, "request failed");
        }
    }

    /** Maps a failure to Triton's HTTP status and message. */
    static void fail(RoutingContext ctx, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof StatusRuntimeException s) {
            error(ctx, httpStatus(s.getStatus().getCode()), s.getStatus().getDescription());
        } else if (e instanceof InferenceException ie) {
            error(ctx, httpStatus(ie.code()), ie.getMessage());
        } else if (e instanceof TensorFormatException) {
            error(ctx, 400, e.getMessage());
        } else {
            LOG.error("unexpected HTTP failure", e);
            error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    static int httpStatus(Status.Code code) {
        return switch (code) {
            case NOT_FOUND -> 404;
            case UNAVAILABLE, RESOURCE_EXHAUSTED -> 503;
            case UNIMPLEMENTED -> 501;
            case INTERNAL, UNKNOWN, DATA_LOSS -> 500;
            default -> 400;
        };
    }

    static void error(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ObjectNode o = JSON.createObjectNode().put("error", message == null ? "" : message);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(o.toString());
    }
}
