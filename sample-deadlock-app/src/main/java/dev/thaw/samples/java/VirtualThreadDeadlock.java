package dev.thaw.samples.java;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A virtual-thread server that stops answering (JDK 21+). Every request runs on its own virtual
 * thread ({@code Executors.newThreadPerTaskExecutor}, threads named {@code http-handler-N}) and
 * borrows one of the two connections of a small database pool (a {@link Semaphore}). Two transfer
 * requests between the same two accounts, in opposite directions, lock the source account first
 * and then the destination ({@link ReentrantLock} per account): each holds a connection and one
 * account lock, and parks forever on the other's. The 48 balance requests that arrive next all park
 * in {@link ConnectionPool#borrow()}: both connections are held by the deadlocked transfers. None of
 * these threads appears in {@code jstack} / {@code Thread.print}; they are in the virtual-thread
 * dump ({@code jcmd PID Thread.dump_to_file -format=json}).
 *
 * <p>Compiled at --release 17: the JDK 21 API ({@code Thread.ofVirtual()},
 * {@code Executors.newThreadPerTaskExecutor}) is called reflectively, and on an older JDK
 * {@link #start()} exits with status 2 and says why. Deterministic: a latch makes both transfers
 * hold their connection and first account before either asks for the second; the balance
 * requests start after that. {@link #start()} returns once both transfers are queued on the
 * other's account lock and all 48 balance requests are queued on the pool.
 */
public final class VirtualThreadDeadlock {

    static final int CONNECTIONS = 2;
    static final int BALANCE_REQUESTS = 48;

    /** A database connection pool of fixed size. */
    static final class ConnectionPool {
        final Semaphore permits;

        ConnectionPool(int size) {
            permits = new Semaphore(size);
        }

        void borrow() throws InterruptedException {
            permits.acquire();
        }

        void giveBack() {
            permits.release();
        }
    }

    /** A bank account; its lock guards the balance (a row lock, in database terms). */
    static final class Account {
        final String id;
        final ReentrantLock lock = new ReentrantLock();
        BigDecimal balance = new BigDecimal("1000.00");

        Account(String id) {
            this.id = id;
        }
    }

    private VirtualThreadDeadlock() {
    }

    public static void start() throws Exception {
        int feature = Runtime.version().feature();
        if (feature < 21) {
            System.err.println("java-virtual-threads needs JDK 21 or newer (virtual threads); this JVM is "
                    + System.getProperty("java.version") + " (" + System.getProperty("java.home")
                    + "). Run it with a JDK 21+ java.");
            System.exit(2);
        }
        ConnectionPool db = new ConnectionPool(CONNECTIONS);
        Account alice = new Account("DE89-0001");
        Account bob = new Account("DE89-0002");
        List<Thread> handlers = new CopyOnWriteArrayList<>();
        ExecutorService server = newVirtualThreadPerTaskExecutor("http-handler-", handlers);

        CountDownLatch bothHoldFirst = new CountDownLatch(2);
        server.submit(() -> handleTransfer(db, alice, bob, new BigDecimal("25.00"), bothHoldFirst));
        server.submit(() -> handleTransfer(db, bob, alice, new BigDecimal("40.00"), bothHoldFirst));
        Thread first = handlers.get(0);
        Thread second = handlers.get(1);
        Readiness.await("java-virtual-threads",
                () -> bob.lock.hasQueuedThread(first) && alice.lock.hasQueuedThread(second),
                () -> Readiness.describe(handlers));
        for (int i = 0; i < BALANCE_REQUESTS; i++) {
            Account account = i % 2 == 0 ? alice : bob;
            server.submit(() -> handleBalance(db, account));
        }
        Readiness.await("java-virtual-threads",
                () -> db.permits.getQueueLength() == BALANCE_REQUESTS
                        && handlers.stream().allMatch(t -> t.getState() == Thread.State.WAITING),
                () -> db.permits.getQueueLength() + " of " + BALANCE_REQUESTS + " balance requests queued on the pool; "
                        + Readiness.describe(handlers));
    }

    /** POST /transfer: moves money between two accounts in one database transaction. */
    static String handleTransfer(ConnectionPool db, Account from, Account to, BigDecimal amount, CountDownLatch latch)
            throws InterruptedException {
        db.borrow();
        try {
            transfer(from, to, amount, latch);
            return "200 OK";
        } finally {
            db.giveBack();
        }
    }

    /** Locks the source account, then the destination: the order depends on the direction. */
    static void transfer(Account from, Account to, BigDecimal amount, CountDownLatch latch) throws InterruptedException {
        from.lock.lock();
        try {
            latch.countDown();
            latch.await(); // both transfers hold their source account
            to.lock.lock(); // parks forever: the other transfer holds it
            try {
                from.balance = from.balance.subtract(amount);
                to.balance = to.balance.add(amount);
            } finally {
                to.lock.unlock();
            }
        } finally {
            from.lock.unlock();
        }
    }

    /** GET /balance: reads one account through a pooled connection. */
    static BigDecimal handleBalance(ConnectionPool db, Account account) throws InterruptedException {
        db.borrow(); // parks forever: both connections are held by the deadlocked transfers
        try {
            return account.balance;
        } finally {
            db.giveBack();
        }
    }

    /** {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(prefix, 1).factory())}, by reflection. */
    private static ExecutorService newVirtualThreadPerTaskExecutor(String prefix, List<Thread> created)
            throws ReflectiveOperationException {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 1L);
        ThreadFactory virtual = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        ThreadFactory recording = r -> {
            Thread t = virtual.newThread(r);
            created.add(t);
            return t;
        };
        Method perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
        try {
            return (ExecutorService) perTask.invoke(null, recording);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
