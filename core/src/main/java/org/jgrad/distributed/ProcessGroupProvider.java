package org.jgrad.distributed;

import java.time.Duration;

/**
 * Service-provider hook ({@link java.util.ServiceLoader}) through which a device module plugs a
 * collective engine for its tensors into core: jgrad-cuda registers NCCL for "cuda". Found by
 * {@link ProcessGroup#fromEnvironment(org.jgrad.tensor.Device)}; core knows nothing of it.
 */
public interface ProcessGroupProvider {
    /** The device type whose tensors the groups work on, as in {@link org.jgrad.tensor.Device#type()}. */
    String deviceType();

    /**
     * Opens a group of {@code rendezvous.worldSize()} ranks on this process's device (chosen
     * by {@code rendezvous.localRank()}). The group owns the rendezvous and closes it when it
     * is closed; when opening fails, the provider closes it before throwing.
     *
     * @throws DistributedException naming the rank, when the engine or the device is unusable
     */
    ProcessGroup open(Rendezvous rendezvous, Duration timeout);
}
