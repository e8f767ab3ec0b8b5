package dev.previews.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeedStatus {
    @JsonPropertyDescription("Name of the seed Job for the current commit, seed spec and reseed value.")
    private String jobName;

    @JsonPropertyDescription("When the seed Job was created (RFC 3339).")
    private String startedAt;

    @JsonPropertyDescription("When the seed Job succeeded or failed (RFC 3339).")
    private String finishedAt;

    @JsonPropertyDescription("Outcome of the seed; on failure, the reason and the last lines the seed printed.")
    private String message;

    @JsonPropertyDescription(
            "Fingerprint of what the seed ran from: the commit, the resolved seed spec and the reseed annotation.")
    private String fingerprint;

    public SeedStatus() {}

    public SeedStatus(String jobName, String startedAt, String finishedAt, String message) {
        this.jobName = jobName;
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
        this.message = message;
    }

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
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

    public String getFingerprint() {
        return fingerprint;
    }

    public void setFingerprint(String fingerprint) {
        this.fingerprint = fingerprint;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeedStatus s
                && Objects.equals(jobName, s.jobName)
                && Objects.equals(startedAt, s.startedAt)
                && Objects.equals(finishedAt, s.finishedAt)
                && Objects.equals(message, s.message)
                && Objects.equals(fingerprint, s.fingerprint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(jobName, startedAt, finishedAt, message, fingerprint);
    }
}
