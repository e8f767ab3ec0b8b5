package dev.previews.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** A BlueGreen rollover to a new commit, beside the commit that serves (status.next). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloverStatus {
    @JsonPropertyDescription("The incoming commit (spec.commit when the rollover started).")
    private String commit;

    @JsonPropertyDescription("The first 7 characters of the incoming commit, for the Next column.")
    private String shortCommit;

    @JsonPropertyDescription("Provisioning, Seeding, SeedFailed or Failed.")
    private RolloverPhase phase;

    @JsonPropertyDescription("When the rollover started (RFC 3339).")
    private String startedAt;

    @JsonPropertyDescription("When the rollover failed (RFC 3339).")
    private String finishedAt;

    @JsonPropertyDescription("In-cluster URL of the incoming commit's own Service (the seed's PREVIEW_URL).")
    private String url;

    @JsonPropertyDescription("What the rollover waits for, or why it failed.")
    private String message;

    @JsonPropertyDescription(
            "Fingerprint of what this attempt runs (commit, backend, seed): a failed attempt is tried again only when it changes.")
    private String attempt;

    @JsonPropertyDescription("The incoming commit's seed Job.")
    private SeedStatus seed;

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

    public RolloverPhase getPhase() {
        return phase;
    }

    public void setPhase(RolloverPhase phase) {
        this.phase = phase;
    }

    public String getStartedAt() {
        return startedAt;
    }

    public void setStartedAt(String startedAt) {
        this.startedAt = startedAt;
    }

    public String getFinishedAt() {
        return finishedAt;
    }

    public void setFinishedAt(String finishedAt) {
        this.finishedAt = finishedAt;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getAttempt() {
        return attempt;
    }

    public void setAttempt(String attempt) {
        this.attempt = attempt;
    }

    public SeedStatus getSeed() {
        return seed;
    }

    public void setSeed(SeedStatus seed) {
        this.seed = seed;
    }

    @JsonIgnore
    public boolean failed() {
        return phase != null && phase.failed();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RolloverStatus s
                && Objects.equals(commit, s.commit)
                && Objects.equals(shortCommit, s.shortCommit)
                && phase == s.phase
                && Objects.equals(startedAt, s.startedAt)
                && Objects.equals(finishedAt, s.finishedAt)
                && Objects.equals(url, s.url)
                && Objects.equals(message, s.message)
                && Objects.equals(attempt, s.attempt)
                && Objects.equals(seed, s.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(commit, shortCommit, phase, startedAt, finishedAt, url, message, attempt, seed);
    }
}
