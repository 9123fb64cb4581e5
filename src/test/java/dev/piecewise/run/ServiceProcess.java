package dev.piecewise.run;

import dev.piecewise.PiecewiseApplication;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The service as a separate JVM (the test's classpath, {@link PiecewiseApplication}), so that a test can kill it
 * with SIGKILL as an operator's machine or the kernel's OOM killer would. It runs in {@code workDir}, so the default
 * H2 file database lands in {@code workDir/data}; on PostgreSQL (PIECEWISE_DB_URL set) it uses the postgres profile.
 */
final class ServiceProcess implements AutoCloseable {

    final int port;
    private final Process process;

    private ServiceProcess(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static ServiceProcess start(Path workDir, String... arguments) throws IOException, InterruptedException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", classpath, PiecewiseApplication.class.getName(),
                "--server.port=" + port, "--logging.level.root=WARN", "--piecewise.warmup.runs=0"));
        if (TestDatabase.isPostgres()) {
            command.add("--spring.profiles.active=postgres");
        }
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(workDir.resolve("service.log").toFile()).start();
        ServiceProcess service = new ServiceProcess(port, process);
        service.awaitHealth(Duration.ofSeconds(90));
        return service;
    }

    HttpApi api() {
        return new HttpApi(port);
    }

    private void awaitHealth(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + "; see service.log");
            }
            try {
                // Listening is enough: a service on a read-only database is up but reports DOWN (503).
                if (api().get("/actuator/health").status() != 0) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the service did not start within " + timeout);
    }

    /** SIGKILL: no shutdown hook, no flush, no close. */
    void killNine() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                killNine();
            }
        }
    }
}
