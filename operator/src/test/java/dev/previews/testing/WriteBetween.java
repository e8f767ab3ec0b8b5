package dev.previews.testing;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An interceptor on the operator's client ({@link PreviewCluster#PreviewCluster(dev.previews.policy.OperatorConfig,
 * Interceptor)}) that makes something happen between the operator's read and its write: from the
 * moment it is armed it sees the operator's requests to one path, and just before the next one with
 * the given method is sent it runs someone else's write (a controller's update, a namespace's
 * deletion).
 */
public final class WriteBetween implements Interceptor {
    private volatile String path;
    private volatile String method;
    private volatile Runnable write;
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<Integer> answered = new CopyOnWriteArrayList<>();

    public void beforeNext(String method, String path, Runnable write) {
        this.write = write;
        this.method = method;
        this.path = path;
    }

    /** The operator's requests to the path since it was armed, as "METHOD path". */
    public List<String> sent() {
        return new ArrayList<>(sent);
    }

    /** The status codes of their answers, in the order they came. */
    public List<Integer> answered() {
        return new ArrayList<>(answered);
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if (!request.uri().getPath().equals(path)) return;
        sent.add(request.method() + " " + request.uri().getPath());
        Runnable w = write;
        if (request.method().equals(method) && w != null) {
            write = null;
            w.run();
        }
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        if (request.uri().getPath().equals(path)) answered.add(response.code());
    }
}
