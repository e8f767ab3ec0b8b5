package dev.previews.operator;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Lets reconciles in until the operator stops. Then it lets no new one start and waits for those
 * under way, so that they finish while the informers still run: java-operator-sdk stops the
 * informers first, and a reconcile that went on after that would find no children in the emptied
 * caches and create them again (409s), or record a running seed as started anew.
 */
final class ReconcileGate {
    private int running;
    private boolean closed;

    /** @return false once the gate is closed: the reconcile must do nothing */
    synchronized boolean enter() {
        if (closed) return false;
        running++;
        return true;
    }

    synchronized void exit() {
        if (--running == 0) notifyAll();
    }

    /**
     * Closes the gate and waits, at most {@code timeout}, for the reconciles under way.
     *
     * @return whether they all finished in time
     */
    synchronized boolean close(Duration timeout) throws InterruptedException {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
