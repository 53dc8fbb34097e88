package dev.thaw.snapshot;

import java.util.List;

/**
 * One greenlet (greenlet 3.x, as used by gevent, eventlet...), read from the target's memory.
 *
 * @param id       the greenlet object's address ({@code hex(id(g))})
 * @param type     its Python type, e.g. {@code greenlet.greenlet}, {@code gevent._gevent_cgreenlet.Greenlet},
 *                 {@code Hub}
 * @param name     for gevent Greenlets: the name and what was spawned ({@code Greenlet-3: worker}); else null
 * @param state    {@code running} (the thread's current greenlet: its frames are the thread's stack),
 *                 {@code suspended}, {@code main} (a thread's main greenlet, suspended), {@code unstarted},
 *                 {@code dead}
 * @param hub      it is a gevent hub
 * @param parent   the parent greenlet's id, or null
 * @param frames   its suspended Python frames, innermost first; empty when running, unstarted or dead
 * @param complete false when the greenlet switched while thaw read it and its frames are partial
 */
public record Greenlet(String id, String type, String name, String state, boolean hub, String parent,
                       List<Frame> frames, boolean complete) {
}
