package dev.thaw.snapshot;

import java.util.List;

/**
 * What a Python process has imported, from its {@code sys.modules}.
 *
 * @param total       modules in {@code sys.modules}
 * @param notable     concurrency and server frameworks imported ({@code gevent}, {@code greenlet},
 *                    {@code asyncio}, {@code concurrent.futures}, {@code multiprocessing}, {@code celery}, ...),
 *                    in a fixed order
 * @param geventPatched with {@code gevent.monkey} imported: the modules it patched (the keys of
 *                    {@code gevent.monkey.saved}, e.g. {@code socket}, {@code threading}); empty when it
 *                    patched nothing; null when {@code gevent.monkey} is not imported
 * @param note        what could not be read; else null
 */
public record LoadedModules(int total, List<String> notable, List<String> geventPatched, String note) {
}
