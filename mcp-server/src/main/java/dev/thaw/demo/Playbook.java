package dev.thaw.demo;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * For each hang scenario of sample-deadlock-app: how to start it, and the diagnosis an assistant would
 * run against it — a snapshot, then the catalog diagnostics that answer the questions the snapshot
 * raises. The demo walks through one play; the end-to-end tests run every play and check that the
 * outputs name the answer key's root cause.
 *
 * @param scenario    the scenario's name (its answer key is {@code /scenarios/<scenario>.answer.json})
 * @param runtime     {@code cpython} or {@code hotspot}
 * @param script      the Python scenario's file under {@code /scenarios/python/}, or null for Java
 * @param needs       what the target must have beyond its runtime ({@code gevent}, {@code jdk21}), or null
 * @param question    what the assistant is asked, as a user would put it
 * @param diagnostics the catalog diagnostics to run after the snapshot, in order
 */
public record Playbook(String scenario, String runtime, String script, String needs, String question,
                       List<Step> diagnostics) {

    /**
     * One catalog diagnostic and what running it is expected to show.
     *
     * @param diagnostic  the catalog id
     * @param params      its params
     * @param timeoutS    how long to wait
     * @param undelivered true when the scenario leaves no thread that can run Python: the step shows that
     *                    thaw says so (and why) instead of hanging, which is the point of that scenario
     */
    public record Step(String diagnostic, Map<String, Object> params, double timeoutS, boolean undelivered) {
        static Step run(String id, Map<String, Object> params) {
            return new Step(id, params, 30, false); // a first Java probe compiles and loads the agent: seconds on a busy machine
        }

        static Step blocked(String id) {
            return new Step(id, Map.of(), 3, true);
        }
    }

    public static final List<Playbook> ALL = List.of(
            new Playbook("py-gevent-threadpool", "cpython", "gevent_threadpool.py", "gevent",
                    "Our Celery worker (gevent) stopped processing tasks: no error, no log, CPU idle. Why?",
                    List.of(Step.blocked("py.gevent_patching"))),
            new Playbook("py-gevent-lost-wakeup", "cpython", "gevent_lost_wakeup.py", "gevent",
                    "One task of our gevent worker never finishes, the others still run. Where is it stuck?",
                    List.of(Step.run("py.gevent_greenlets", Map.of()))),
            new Playbook("py-asyncio-self-block", "cpython", "asyncio_self_block.py", null,
                    "Our asyncio service stopped answering; nothing in the logs. What is the event loop doing?",
                    List.of(Step.run("py.asyncio_tasks", Map.of()))),
            new Playbook("py-asyncio-lost-wakeup", "cpython", "asyncio_lost_wakeup.py", null,
                    "One request to our asyncio service never gets an answer; the others still do. Where is it stuck?",
                    List.of(Step.run("py.asyncio_tasks", Map.of()))),
            new Playbook("py-asyncio-await-cycle", "cpython", "asyncio_await_cycle.py", null,
                    "Checkouts in our asyncio service never complete, yet the service answers health checks. Why?",
                    List.of(Step.run("py.asyncio_tasks", Map.of()))),
            new Playbook("py-lock-ordering", "cpython", "lock_ordering.py", null,
                    "Two background workers stopped making progress. Why?",
                    List.of()),
            new Playbook("py-rlock-ordering", "cpython", "rlock_ordering.py", null,
                    "Restocking and billing both stopped at the same moment. Why?",
                    List.of()),
            new Playbook("py-pool-starvation", "cpython", "pool_starvation.py", null,
                    "The report pool accepts jobs but none ever completes. Why?",
                    List.of(Step.run("py.thread_pools", Map.of()), Step.run("py.futures", Map.of()))),
            new Playbook("py-pipe-deadlock", "cpython", "pipe_deadlock.py", null,
                    "Our report export job hangs forever, using no CPU. Why?",
                    List.of()),
            new Playbook("py-fork-inherited-lock", "cpython", "fork_inherited_lock.py", null,
                    "A worker process our service forks never starts working; the service itself is fine. Why?",
                    List.of()),
            new Playbook("java-latch-dead-counter", "hotspot", null, null,
                    "Our JVM service never finishes starting, and never exits either. Why?",
                    List.of(Step.run("jvm.deadlocks", Map.of()))),
            new Playbook("java-class-init-deadlock", "hotspot", null, null,
                    "Two loader threads of our JVM service hang at start-up, and jstack reports no deadlock. Why?",
                    List.of()),
            new Playbook("py-subprocess-pipe-deadlock", "cpython", "subprocess_pipe_deadlock.py", null,
                    "Our report export never finishes, and the converter it runs never exits. Why?",
                    List.of(Step.run("py.subprocesses", Map.of()))),
            new Playbook("py-thread-died-silently", "cpython", "thread_died_silently.py", null,
                    "Our batch job waits forever for its totals; there is no error anywhere. Why?",
                    List.of(Step.run("py.threads", Map.of()), Step.run("py.lock_waiters", Map.of()))),
            new Playbook("java-monitor-lock-ordering", "hotspot", null, null,
                    "Two worker threads of our JVM service stopped. Why?",
                    List.of(Step.run("jvm.deadlocks", Map.of()))),
            new Playbook("java-reentrantlock-ordering", "hotspot", null, null,
                    "Transfers hang forever in our JVM service, jstack shows no monitor deadlock. Why?",
                    List.of(Step.run("jvm.deadlocks", Map.of()))),
            new Playbook("java-pool-starvation", "hotspot", null, null,
                    "Our JVM service's job pool accepts work but nothing completes. Why?",
                    List.of(Step.run("jvm.executors", Map.of()))),
            new Playbook("java-completablefuture-commonpool", "hotspot", null, null,
                    "Parallel requests in our JVM service hang; every CompletableFuture stays incomplete. Why?",
                    List.of(Step.run("jvm.executors", Map.of()))),
            new Playbook("java-virtual-threads", "hotspot", null, "jdk21",
                    "Our JDK 21+ service on virtual threads stopped serving requests. Why?",
                    List.of(Step.run("jvm.virtual_threads", Map.of()))),
            new Playbook("java-pinned-carriers", "hotspot", null, "jdk21",
                    "Quotes from our JDK 21+ virtual-thread service hang from the first request on; CPU is idle. Why?",
                    List.of(Step.run("jvm.virtual_threads", Map.of()))));

    public static Optional<Playbook> find(String scenario) {
        return ALL.stream().filter(p -> p.scenario().equals(scenario)).findFirst();
    }

    public AnswerKey answerKey() {
        return AnswerKey.load(scenario);
    }
}
