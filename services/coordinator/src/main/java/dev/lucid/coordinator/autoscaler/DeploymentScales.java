package dev.lucid.coordinator.autoscaler;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Kubernetes calls of the autoscaler, and no others: GET a deployment, and PATCH its
 * {@code scale} subresource (a JSON merge patch of {@code spec.replicas}). fabric8's own
 * {@code scale(int)} replaces the subresource with PUT, which would need the {@code update} verb;
 * the Role grants only {@code get} and {@code patch} on {@code deployments/scale}.
 */
public final class DeploymentScales {
    /** Annotation naming who owns a deployment's replicas; the autoscaler touches only those set to {@value #BACKLOG}. */
    public static final String OWNER_ANNOTATION = "lucid.dev/autoscale";
    public static final String BACKLOG = "backlog";

    /** A deployment as the autoscaler needs it. */
    public record State(int replicas, String owner) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Duration timeout;

    public DeploymentScales(KubernetesClient client, String namespace, Duration timeout) {
        this.client = client;
        this.namespace = namespace;
        this.timeout = timeout;
    }

    public String namespace() {
        return namespace;
    }

    /** The deployment's replicas and owner annotation; empty when it does not exist. */
    public Optional<State> read(String deployment) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(deployment).get();
        if (d == null) {
            return Optional.empty();
        }
        Integer replicas = d.getSpec() == null ? null : d.getSpec().getReplicas();
        Map<String, String> ann = d.getMetadata().getAnnotations();
        return Optional.of(new State(replicas == null ? 1 : replicas, ann == null ? "" : ann.getOrDefault(OWNER_ANNOTATION, "")));
    }

    /** Sets the deployment's replicas through its scale subresource. */
    public void patchReplicas(String deployment, int replicas) {
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + "/apis/apps/v1/namespaces/" + namespace
                + "/deployments/" + deployment + "/scale";
        HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url)
                .method("PATCH", "application/merge-patch+json", "{\"spec\":{\"replicas\":" + replicas + "}}").build();
        HttpResponse<String> response;
        try {
            response = client.getHttpClient().sendAsync(request, String.class).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while scaling " + deployment, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KubernetesClientException("PATCH " + url + " failed: " + e, e);
        }
        if (!response.isSuccessful()) {
            String body = response.body() == null ? "" : response.body();
            throw new KubernetesClientException("PATCH " + url + " answered " + response.code() + ": "
                    + body.substring(0, Math.min(300, body.length())), response.code(), null);
        }
    }
}
