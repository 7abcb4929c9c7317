package dev.cachesync.demo.simulation;

import java.util.Arrays;
import java.util.Random;

/** Samples ranks 0..n-1 with probability proportional to 1/(rank+1)^s: a few items are wanted far more often. */
public final class Zipf {
    private final double[] cumulative;

    public Zipf(int n, double exponent) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be > 0, was " + n);
        }
        if (exponent < 0) {
            throw new IllegalArgumentException("exponent must be >= 0, was " + exponent);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / Math.pow(k + 1, exponent);
            cumulative[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cumulative[k] /= sum;
        }
    }

    /** Probability of rank {@code k}. */
    public double probability(int k) {
        return k == 0 ? cumulative[0] : cumulative[k] - cumulative[k - 1];
    }

    public int sample(Random random) {
        int i = Arrays.binarySearch(cumulative, random.nextDouble());
        int rank = i >= 0 ? i : -i - 1;
        return Math.min(rank, cumulative.length - 1);
    }
}
