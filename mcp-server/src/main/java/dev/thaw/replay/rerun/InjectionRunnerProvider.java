package dev.thaw.replay.rerun;

import dev.thaw.app.Services;

/**
 * Found through {@link java.util.ServiceLoader}: the injection engine registers one, so
 * {@code thaw replay --rerun} works in a build that has the engine and says why not in one that
 * does not.
 */
public interface InjectionRunnerProvider {

    InjectionRunner create(Services services);
}
