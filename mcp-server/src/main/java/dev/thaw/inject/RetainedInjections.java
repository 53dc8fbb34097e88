package dev.thaw.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The injections of this server that read_output can still reach: the last {@value #RETAINED}, with
 * at most {@value #RETAINED_BYTES} bytes of output in all. When a new one comes, the oldest ended
 * ones are forgotten (output included) until both limits hold again; an injection that has not
 * ended is never forgotten (its directory, turn and armed threads are still followed through it).
 */
final class RetainedInjections {

    static final int RETAINED = 256;
    static final long RETAINED_BYTES = 256L << 20;

    private final Map<String, Injection> byId = new LinkedHashMap<>();
    private final String idSuffix;

    /** @param idSuffix what every id of this server ends with: a miss on one of these was forgotten */
    RetainedInjections(String idSuffix) {
        this.idSuffix = idSuffix;
    }

    synchronized void add(Injection inj) {
        byId.put(inj.id, inj);
        if (byId.size() <= RETAINED && retainedBytes() <= RETAINED_BYTES) {
            return;
        }
        Iterator<Injection> it = byId.values().iterator();
        while (it.hasNext() && (byId.size() > RETAINED || retainedBytes() > RETAINED_BYTES)) {
            Injection old = it.next();
            if (old != inj && old.ended()) {
                it.remove();
            }
        }
    }

    private long retainedBytes() {
        long sum = 0;
        for (Injection i : byId.values()) {
            sum += i.outputSize();
        }
        return sum;
    }

    /** The injection, or the refusal that says why there is none. */
    synchronized Injection find(String id) {
        Injection inj = byId.get(id);
        if (inj == null) {
            throw new ThawException(ErrorCode.UNKNOWN_INJECTION, "No injection " + id + " in this server session"
                    + (id != null && id.endsWith(idSuffix) ? " (it is older than the last " + RETAINED
                    + " injections, whose outputs are kept)" : "") + ".",
                    "Use the injection_id that inject_script returned in this session.");
        }
        return inj;
    }

    /** Those timed out while their script runs. */
    synchronized List<Injection> lingering() {
        return byId.values().stream().filter(Injection::lingering).toList();
    }

    synchronized List<Injection> all() {
        return new ArrayList<>(byId.values());
    }
}
