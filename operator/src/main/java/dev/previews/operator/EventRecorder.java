package dev.previews.operator;

import dev.previews.api.PreviewDeployment;
import dev.previews.spec.Timestamps;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records Kubernetes Events on a preview, as `kubectl describe pd` shows them. Never throws. */
public class EventRecorder {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    public static final String COMPONENT = "preview-operator";
    private final KubernetesClient client;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public enum Type {
        Normal,
        Warning
    }

    public void record(PreviewDeployment preview, Type type, String reason, String message) {
        String now = Timestamps.format(clock.instant());
        String name = preview.getMetadata().getName() + "." + Long.toHexString(System.currentTimeMillis())
                + Long.toHexString(sequence.incrementAndGet());
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(name.toLowerCase(Locale.ROOT))
                .withNamespace(preview.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(PreviewDeployment.API_VERSION)
                .withKind(PreviewDeployment.KIND)
                .withName(preview.getMetadata().getName())
                .withNamespace(preview.getMetadata().getNamespace())
                .withUid(preview.getMetadata().getUid())
                .withResourceVersion(preview.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type.name())
                .withReason(reason)
                .withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .build();
        if (type == Type.Warning) {
            log.warn(
                    "{}/{}: {}: {}",
                    preview.getMetadata().getNamespace(),
                    preview.getMetadata().getName(),
                    reason,
                    message);
        } else {
            log.info(
                    "{}/{}: {}: {}",
                    preview.getMetadata().getNamespace(),
                    preview.getMetadata().getName(),
                    reason,
                    message);
        }
        try {
            client.v1()
                    .events()
                    .inNamespace(preview.getMetadata().getNamespace())
                    .resource(event)
                    .create();
        } catch (RuntimeException e) {
            if (ApiErrors.isNamespaceTerminating(e)) {
                log.debug(
                        "no event {} on {}/{}: the namespace is being deleted",
                        reason,
                        preview.getMetadata().getNamespace(),
                        preview.getMetadata().getName());
                return;
            }
            log.warn(
                    "could not record event {} on {}/{}: {}",
                    reason,
                    preview.getMetadata().getNamespace(),
                    preview.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
