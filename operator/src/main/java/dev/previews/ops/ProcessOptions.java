package dev.previews.ops;

/**
 * How an {@link OperatorProcess} runs.
 *
 * @param managementPort port of /healthz, /readyz and /metrics (0: any free port)
 * @param leaderElection whether to elect a leader through a Lease (needed with more than one replica)
 * @param leaseName the Lease's name
 * @param leaseNamespace the Lease's namespace; null: the namespace of the client's configuration
 * @param identity this replica's identity in the Lease; null: the HOSTNAME (the pod's name) or a random id
 * @param leaseTimings how often the Lease is renewed and how long it lasts
 * @param onLostLeadership what to do when the Lease is lost while running (the process exits by default,
 *     so that no two replicas reconcile at once)
 */
public record ProcessOptions(
        int managementPort,
        boolean leaderElection,
        String leaseName,
        String leaseNamespace,
        String identity,
        LeaseTimings leaseTimings,
        Runnable onLostLeadership) {

    public static final String DEFAULT_LEASE_NAME = "preview-operator";

    public static ProcessOptions defaults() {
        return new ProcessOptions(
                8081,
                false,
                DEFAULT_LEASE_NAME,
                null,
                null,
                LeaseTimings.DEFAULTS,
                OperatorProcess::exitAfterLostLeadership);
    }

    public ProcessOptions withManagementPort(int port) {
        return new ProcessOptions(
                port, leaderElection, leaseName, leaseNamespace, identity, leaseTimings, onLostLeadership);
    }

    public ProcessOptions withLeaderElection(String name, String namespace, String identity) {
        return new ProcessOptions(managementPort, true, name, namespace, identity, leaseTimings, onLostLeadership);
    }

    public ProcessOptions withLeaseTimings(LeaseTimings leaseTimings) {
        return new ProcessOptions(
                managementPort, leaderElection, leaseName, leaseNamespace, identity, leaseTimings, onLostLeadership);
    }

    public ProcessOptions withOnLostLeadership(Runnable action) {
        return new ProcessOptions(
                managementPort, leaderElection, leaseName, leaseNamespace, identity, leaseTimings, action);
    }
}
