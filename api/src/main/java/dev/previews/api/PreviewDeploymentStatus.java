package dev.previews.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PreviewDeploymentStatus {
    @JsonPropertyDescription("The metadata.generation this status was computed for.")
    private Long observedGeneration;

    @JsonPropertyDescription(
            "One-word summary: Pending, Provisioning, Seeding, Ready, SeedFailed, Failed, LimitExceeded, Expired, Invalid or Asleep.")
    private Phase phase;

    @JsonPropertyDescription(
            "The commit whose backend is provisioned now (or being provisioned): the one the Service serves.")
    private String commit;

    @JsonPropertyDescription("The first 7 characters of status.commit, for the Commit column.")
    private String shortCommit;

    @JsonPropertyDescription(
            "The plan resolved for the preview's namespace (its label previews.dev/plan, else the default plan).")
    private String plan;

    @JsonPropertyDescription("In-cluster URL of the backend Service.")
    private String url;

    @JsonPropertyDescription("External URL when the backend is exposed through an Ingress.")
    private String externalUrl;

    @JsonPropertyDescription("When the current deployment was created (RFC 3339); restarts on every recreation.")
    private String createdAt;

    @JsonPropertyDescription("When the preview expires (RFC 3339): createdAt + min(plan TTL, spec.ttl).")
    private String expiresAt;

    @JsonPropertyDescription(
            "What expiry does under the plan last resolved (Delete or Deprovision): kept for a namespace whose plan label names no plan.")
    private String expiryPolicy;

    @JsonPropertyDescription("State of the seed Job for the current commit.")
    private SeedStatus seed;

    @JsonPropertyDescription(
            "The last activity (a new commit, spec.ttl changed, a wake, a reseed): the preview sleeps after its plan's sleepAfter without one.")
    private ActivityStatus activity;

    @JsonPropertyDescription(
            "Since when the backend is asleep (scaled to zero by the plan's sleepAfter or awake hours); absent when awake.")
    private String sleepingSince;

    @JsonPropertyDescription(
            "A BlueGreen rollover to spec.commit beside status.commit, under way or failed; absent otherwise.")
    private RolloverStatus next;

    @JsonPropertyDescription(
            "Conditions Provisioned, Seeded, SeedFailed, Ready, Expiring and RolledOver, following the Kubernetes API conventions.")
    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public String getCommit() {
        return commit;
    }

    public void setCommit(String commit) {
        this.commit = commit;
    }

    public String getShortCommit() {
        return shortCommit;
    }

    public void setShortCommit(String shortCommit) {
        this.shortCommit = shortCommit;
    }

    public String getPlan() {
        return plan;
    }

    public void setPlan(String plan) {
        this.plan = plan;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getExternalUrl() {
        return externalUrl;
    }

    public void setExternalUrl(String externalUrl) {
        this.externalUrl = externalUrl;
    }

    public String getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(String createdAt) {
        this.createdAt = createdAt;
    }

    public String getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(String expiresAt) {
        this.expiresAt = expiresAt;
    }

    public String getExpiryPolicy() {
        return expiryPolicy;
    }

    public void setExpiryPolicy(String expiryPolicy) {
        this.expiryPolicy = expiryPolicy;
    }

    public SeedStatus getSeed() {
        return seed;
    }

    public void setSeed(SeedStatus seed) {
        this.seed = seed;
    }

    public ActivityStatus getActivity() {
        return activity;
    }

    public void setActivity(ActivityStatus activity) {
        this.activity = activity;
    }

    public String getSleepingSince() {
        return sleepingSince;
    }

    public void setSleepingSince(String sleepingSince) {
        this.sleepingSince = sleepingSince;
    }

    public RolloverStatus getNext() {
        return next;
    }

    public void setNext(RolloverStatus next) {
        this.next = next;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    @JsonIgnore
    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    @JsonIgnore
    public boolean isTrue(String type) {
        return condition(type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    @JsonIgnore
    public String reason(String type) {
        return condition(type).map(Condition::getReason).orElse(null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreviewDeploymentStatus s
                && Objects.equals(observedGeneration, s.observedGeneration)
                && phase == s.phase
                && Objects.equals(commit, s.commit)
                && Objects.equals(shortCommit, s.shortCommit)
                && Objects.equals(plan, s.plan)
                && Objects.equals(url, s.url)
                && Objects.equals(externalUrl, s.externalUrl)
                && Objects.equals(createdAt, s.createdAt)
                && Objects.equals(expiresAt, s.expiresAt)
                && Objects.equals(expiryPolicy, s.expiryPolicy)
                && Objects.equals(seed, s.seed)
                && Objects.equals(activity, s.activity)
                && Objects.equals(sleepingSince, s.sleepingSince)
                && Objects.equals(next, s.next)
                && Objects.equals(conditions, s.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                observedGeneration,
                phase,
                commit,
                shortCommit,
                plan,
                url,
                externalUrl,
                createdAt,
                expiresAt,
                expiryPolicy,
                seed,
                activity,
                sleepingSince,
                next,
                conditions);
    }
}
