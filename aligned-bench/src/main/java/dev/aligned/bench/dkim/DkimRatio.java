package dev.aligned.bench.dkim;

import java.util.Arrays;

/**
 * Aligned's DKIM verification against the raw JCA limit, interleaved: small batches of {@code verify} and
 * {@code rawJcaSha256PlusVerify} (the methods of {@link DkimVerifyBenchmark}, same setup) alternate, so both
 * see the same load on a shared machine, and the minimum and median time per operation of each are printed
 * with their ratios. A complement to the JMH figures when other work on the machine makes JMH's iterations
 * wander. Each message is first run for {@code WARMUP} seconds (default 5; the Vector API scan runs its slow
 * Java fallback until C2 has compiled it, which took about 3 seconds here), and the first third of the rounds is
 * not counted either.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp aligned-bench/target/benchmarks.jar \
 *     dev.aligned.bench.dkim.DkimRatio [ROUNDS [WARMUP]]
 * </pre>
 *
 * <p>Without {@code --add-modules jdk.incubator.vector} the body scan is the SWAR one; the first line printed
 * says which.
 */
public final class DkimRatio {
    private static volatile Object sink;

    private DkimRatio() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        System.out.println("jdk.incubator.vector " + (ModuleLayer.boot().findModule("jdk.incubator.vector")
                .isPresent() ? "present: Vector API body scan" : "absent: SWAR body scan"));
        for (String size : new String[] {"4k", "100k"}) {
            DkimVerifyBenchmark b = new DkimVerifyBenchmark();
            b.size = size;
            b.algorithm = "rsa";
            b.setup();
            for (long end = System.nanoTime() + (long) (warmup * 1e9); System.nanoTime() < end; ) {
                sink = b.verify();
                sink = b.rawJcaSha256PlusVerify();
            }
            int batch = 5;
            double[] verify = new double[rounds];
            double[] raw = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < batch; i++) {
                    sink = b.verify();
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < batch; i++) {
                    sink = b.rawJcaSha256PlusVerify();
                }
                long t2 = System.nanoTime();
                verify[r] = (t1 - t0) / 1000.0 / batch;
                raw[r] = (t2 - t1) / 1000.0 / batch;
            }
            double[] v = Arrays.copyOfRange(verify, rounds / 3, rounds);
            double[] w = Arrays.copyOfRange(raw, rounds / 3, rounds);
            Arrays.sort(v);
            Arrays.sort(w);
            double vMed = v[v.length / 2];
            double wMed = w[w.length / 2];
            System.out.printf("rsa %-4s verify min %6.1f us, median %6.1f us | raw JCA min %6.1f us, median %6.1f us"
                    + " | raw/verify: %3.0f%% (min), %3.0f%% (median)%n", size, v[0], vMed, w[0], wMed,
                    100 * w[0] / v[0], 100 * wMed / vMed);
        }
    }
}
